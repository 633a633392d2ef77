import { InvalidAmountError } from './errors.js'

/** Largest token amount (uint256, like the ERC-20 contract). */
export const MAX_AMOUNT = (1n << 256n) - 1n

const DECIMAL = /^(0|[1-9][0-9]{0,77})$/

/**
 * Token amounts (base units, 18 decimals) travel as canonical decimal strings so they fit
 * uint256 without loss. `field` names the amount in error messages.
 */
export function encodeAmount(value: bigint, field = 'amount'): string {
  if (value < 0n || value > MAX_AMOUNT) throw new InvalidAmountError(`${field} must be between 0 and 2^256-1`)
  return value.toString(10)
}

/** Parses a canonical decimal amount; "" counts as 0 only when `emptyIsZero`. */
export function decodeAmount(text: string, field = 'amount', emptyIsZero = false): bigint {
  if (text === '' && emptyIsZero) return 0n
  if (!DECIMAL.test(text)) {
    throw new InvalidAmountError(`${field} must be a decimal integer without sign or leading zeros`)
  }
  const value = BigInt(text)
  if (value > MAX_AMOUNT) throw new InvalidAmountError(`${field} exceeds 2^256-1`)
  return value
}
