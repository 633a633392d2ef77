import type { WorkRatio } from './spec/types.js'

/** Token decimals (ERC-20 style): 1 token = 10^18 base units. */
export const TOKEN_DECIMALS = 18
/** A worker never prices a unit below this fraction of its floor, however small the unit. */
export const MIN_FLOOR_DIVISOR = 10n

/**
 * A worker's price for one unit of a concrete job: `floor × work`, rounded up, never below
 * `floor / 10` (rounded up). Render: work = pixels/1e6 × samples/128, so a 1920×1080 frame at
 * 128 samples costs about 2.07 × floor.
 */
export function unitPriceFor(floor: bigint, work: WorkRatio): bigint {
  if (floor <= 0n) return 0n
  const scaled = ceilDiv(floor * work.num, work.den)
  const minimum = ceilDiv(floor, MIN_FLOOR_DIVISOR)
  return maxBigInt(scaled, minimum)
}

/** The smaller of two bigints (Math.min does not take bigints). */
export function minBigInt(a: bigint, b: bigint): bigint {
  if (b < a) return b
  return a
}

/** The larger of two bigints. */
export function maxBigInt(a: bigint, b: bigint): bigint {
  if (b > a) return b
  return a
}

/** Work ratio as a float, for time estimates (not money). */
export function workAsNumber(work: WorkRatio): number {
  return Number(work.num) / Number(work.den)
}

export function ceilDiv(a: bigint, b: bigint): bigint {
  return (a + b - 1n) / b
}

/** `1500000000000000000n` → `1.5`; base units as a token amount for messages. */
export function formatTokens(amount: bigint): string {
  const negative = amount < 0n
  const abs = negative ? -amount : amount
  const scale = 10n ** BigInt(TOKEN_DECIMALS)
  const whole = abs / scale
  const fraction = (abs % scale).toString().padStart(TOKEN_DECIMALS, '0').replace(/0+$/, '')
  return `${negative ? '-' : ''}${whole}${fraction === '' ? '' : `.${fraction}`}`
}
