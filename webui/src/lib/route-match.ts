// Matching hash routes with parameters: `/render/:jobId` against `/render/bafy…`.

/** The parameters when `path` matches `pattern`, else null. Parameters never match an empty segment. */
export function matchPath(pattern: string, path: string): Record<string, string> | null {
  const want = pattern.split('/').filter(Boolean)
  const have = path.split('/').filter(Boolean)
  if (want.length !== have.length) return null
  const params: Record<string, string> = {}
  for (let i = 0; i < want.length; i++) {
    const w = want[i] as string
    const h = have[i] as string
    if (w.startsWith(':')) {
      try {
        params[w.slice(1)] = decodeURIComponent(h)
      } catch {
        return null
      }
    } else if (w !== h) return null
  }
  return params
}
