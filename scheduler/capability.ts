/**
 * Capability keys and how a requirement matches them.
 *
 * Workers offer concrete keys (see `node/hardware/capabilities.ts`): `render`, `train`, `cpu`,
 * `render:blender-3.4:cycles-cuda`, `gpu:nvidia-h100-80gb-hbm3`, `vram:>=24g`. A job requires keys
 * that may be more general. A required key is met when one offered key matches it segment by
 * segment (segments are separated by `:`):
 *
 * 1. Prefix: the required key may have fewer segments; the offered key's extra segments are
 *    ignored. `render:blender-3.4` is met by `render:blender-3.4:cycles-cpu`; `render` by any
 *    `render:…` key (and by `render` itself).
 * 2. Per segment, the required segment matches when it is
 *    - equal to the offered one;
 *    - `*`, which matches any one segment: `render:*:cycles-cuda` is met by
 *      `render:blender-3.4:cycles-cuda` and `render:blender-4.1:cycles-cuda`;
 *    - a version prefix ending at a dot boundary: `blender-3` is met by `blender-3.4` (not by
 *      `blender-34`);
 *    - a lower bound `name>=version`: `blender>=3.4` is met by `blender-3.4`, `blender-4.0`, not by
 *      `blender-3.3` (versions compare numerically part by part).
 * 3. Anything else is literal (`vram:>=24g` is met by `vram:>=24g` only).
 *
 * Only keys without `*` or `name>=` can be looked up with `findProviders` (`providerKeys`); the
 * others are checked against each candidate's capacity record.
 */

const SEPARATOR = ':'

/** True when one of `offered` meets the `required` key. */
export function capabilitySatisfied(required: string, offered: readonly string[]): boolean {
  const want = required.split(SEPARATOR)
  return offered.some((key) => {
    const have = key.split(SEPARATOR)
    return want.length <= have.length && want.every((segment, i) => segmentMatches(segment, have[i]!))
  })
}

/** The required keys `offered` does not meet, in the order given. */
export function missingCapabilities(required: readonly string[], offered: readonly string[]): string[] {
  return required.filter((key) => !capabilitySatisfied(key, offered))
}

/** Required keys that are concrete (no `*`, no `>=` bound), so `findProviders` can look them up. */
export function providerKeys(required: readonly string[]): string[] {
  return required.filter((key) => key.split(SEPARATOR).every((segment) => isConcrete(segment)))
}

function isConcrete(segment: string): boolean {
  return segment !== '*' && parseLowerBound(segment) === undefined
}

function segmentMatches(want: string, have: string): boolean {
  if (want === '*' || want === have) return true
  if (have.startsWith(`${want}.`) && /[0-9]$/.test(want)) return true
  const bound = parseLowerBound(want)
  if (bound === undefined || !have.startsWith(`${bound.name}-`)) return false
  const version = parseVersion(have.slice(bound.name.length + 1))
  return version !== undefined && compareVersions(version, bound.version) >= 0
}

function parseLowerBound(segment: string): { name: string; version: number[] } | undefined {
  const at = segment.indexOf('>=')
  if (at <= 0) return undefined
  const version = parseVersion(segment.slice(at + 2))
  return version === undefined ? undefined : { name: segment.slice(0, at), version }
}

function parseVersion(text: string): number[] | undefined {
  if (!/^[0-9]+(\.[0-9]+)*$/.test(text)) return undefined
  return text.split('.').map(Number)
}

function compareVersions(a: number[], b: number[]): number {
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const diff = (a[i] ?? 0) - (b[i] ?? 0)
    if (diff !== 0) return diff
  }
  return 0
}
