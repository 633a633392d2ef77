import { createReadStream } from 'node:fs'
import { stat } from 'node:fs/promises'
import type { ServerResponse } from 'node:http'
import { extname, join, normalize, sep } from 'node:path'

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
  '.woff2': 'font/woff2',
  '.map': 'application/json'
}

/**
 * Serves a file from the built web UI; unknown paths fall back to index.html (client-side
 * routing). Returns false when there is no built UI at all.
 */
export async function serveStatic(root: string, pathname: string, res: ServerResponse): Promise<boolean> {
  const rel = normalize(decodeURIComponent(pathname)).replace(/^([/\\])+/, '')
  if (rel.split(sep).includes('..')) return false
  let file = join(root, rel === '' ? 'index.html' : rel)
  let info = await stat(file).catch(() => undefined)
  if (info === undefined || info.isDirectory()) {
    file = join(root, 'index.html')
    info = await stat(file).catch(() => undefined)
    if (info === undefined) return false
  }
  res.writeHead(200, {
    'content-type': TYPES[extname(file)] ?? 'application/octet-stream',
    'content-length': info.size,
    'cache-control': file.endsWith('index.html') ? 'no-cache' : 'public, max-age=3600',
    'x-content-type-options': 'nosniff'
  })
  createReadStream(file).pipe(res)
  return true
}
