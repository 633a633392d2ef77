import { UsageError } from './args.js'

const DECIMALS = 18

/** "1.5" tokens → "1500000000000000000" base units. */
export function parseTokens(text: string, flag: string): string {
  const m = /^(\d{1,21})(?:\.(\d{1,18}))?$/.exec(text.trim())
  if (m === null) throw new UsageError(`${flag} must be an amount of tokens like 0.05 or 2, got "${text}"`)
  return (BigInt(m[1]) * 10n ** BigInt(DECIMALS) + BigInt((m[2] ?? '').padEnd(DECIMALS, '0'))).toString()
}

/** Base units → "0.05" tokens. */
export function formatTokens(baseUnits: string | bigint): string {
  const v = BigInt(baseUnits)
  const whole = v / 10n ** BigInt(DECIMALS)
  const frac = (v % 10n ** BigInt(DECIMALS)).toString().padStart(DECIMALS, '0').replace(/0+$/, '')
  return frac === '' ? whole.toString() : `${whole}.${frac}`
}

/** "1-24" → range, "1,5,9" → list. */
export function parseFrames(text: string): { start: number; end: number } | number[] {
  const range = /^(\d+)-(\d+)$/.exec(text.trim())
  if (range !== null) return { start: Number(range[1]), end: Number(range[2]) }
  if (/^\d+(,\d+)*$/.test(text.trim())) return text.split(',').map(Number)
  throw new UsageError(`--frames must be a range like 1-24 or a list like 1,5,9, got "${text}"`)
}

/** "640x360" → { x, y }. */
export function parseResolution(text: string): { x: number; y: number } {
  const m = /^(\d+)x(\d+)$/.exec(text.trim())
  if (m === null) throw new UsageError(`--resolution must look like 1920x1080, got "${text}"`)
  return { x: Number(m[1]), y: Number(m[2]) }
}

/** "90s", "30m", "2h" → milliseconds. */
export function parseDuration(text: string, flag: string): number {
  const m = /^(\d+)(s|m|h|d)$/.exec(text.trim())
  if (m === null) throw new UsageError(`${flag} must look like 90s, 30m, 2h or 1d, got "${text}"`)
  return Number(m[1]) * { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 }[m[2] as 's' | 'm' | 'h' | 'd']
}

/** An option value from a fixed list, case-insensitive. */
export function oneOf<T extends string>(text: string, flag: string, values: Record<string, T>): T {
  const v = values[text.trim().toLowerCase()]
  if (v === undefined)
    throw new UsageError(`${flag} must be one of ${Object.keys(values).join(', ')}, got "${text}"`)
  return v
}

/** 1536 → "1.5 KiB". */
export function formatBytes(bytes: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB']
  let v = bytes
  let i = 0
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024
    i++
  }
  return i === 0 ? `${Math.round(v)} B` : `${v.toFixed(1)} ${units[i]}`
}
