import { MAX_TOKEN_AMOUNT } from './constants.js'

/** Collects field errors (path → what to do); the first message per path wins. */
export class FieldErrors {
  readonly fields: Record<string, string> = {}

  add(path: string, message: string): void {
    if (!(path in this.fields)) this.fields[path] = message
  }

  merge(fields: Record<string, string>): void {
    for (const [path, message] of Object.entries(fields)) this.add(path, message)
  }

  get count(): number {
    return Object.keys(this.fields).length
  }
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return false
  const proto = Object.getPrototypeOf(value)
  return proto === Object.prototype || proto === null
}

/** Checks `value` is a plain object with only `allowed` keys; reports each unknown key. */
export function checkObject(
  errors: FieldErrors,
  path: string,
  value: unknown,
  allowed: readonly string[]
): value is Record<string, unknown> {
  if (!isPlainObject(value)) {
    errors.add(path, `give an object with ${allowed.join(', ')}`)
    return false
  }
  for (const key of Object.keys(value)) {
    if (!allowed.includes(key))
      errors.add(join(path, key), `unknown field; remove it (allowed: ${allowed.join(', ')})`)
  }
  return true
}

export function checkInteger(
  errors: FieldErrors,
  path: string,
  value: unknown,
  min: number,
  max: number
): value is number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min || value > max) {
    errors.add(path, `give a whole number from ${min} to ${max}, not ${describe(value)}`)
    return false
  }
  return true
}

export function checkOneOf<T extends string>(
  errors: FieldErrors,
  path: string,
  value: unknown,
  allowed: readonly T[]
): value is T {
  if (typeof value !== 'string' || !allowed.includes(value as T)) {
    errors.add(path, `give one of ${allowed.join(', ')}, not ${describe(value)}`)
    return false
  }
  return true
}

export function checkString(
  errors: FieldErrors,
  path: string,
  value: unknown,
  maxLength: number
): value is string {
  if (typeof value !== 'string' || value.length === 0 || value.length > maxLength) {
    errors.add(path, `give a non-empty text of at most ${maxLength} characters, not ${describe(value)}`)
    return false
  }
  return true
}

/**
 * A token amount in base units as a canonical decimal string (digits only, no leading zeros, so
 * one amount has one spelling and one job id). Returns the amount, or undefined after reporting.
 */
export function checkTokenAmount(errors: FieldErrors, path: string, value: unknown): bigint | undefined {
  if (typeof value !== 'string' || !/^(0|[1-9][0-9]{0,77})$/.test(value)) {
    errors.add(
      path,
      `give the amount in token base units as a decimal string of digits without leading zeros (e.g. "1000000000000000000" for 1 token), not ${describe(value)}`
    )
    return undefined
  }
  const amount = BigInt(value)
  if (amount === 0n || amount > MAX_TOKEN_AMOUNT) {
    errors.add(path, 'give an amount above 0 and below 2^256')
    return undefined
  }
  return amount
}

export function join(path: string, key: string | number): string {
  if (typeof key === 'number') return `${path}[${key}]`
  return path === '' ? key : `${path}.${key}`
}

/** A short, safe rendering of a bad value for an error message. */
export function describe(value: unknown): string {
  if (value === undefined) return 'nothing'
  if (typeof value === 'bigint') return `${value}n`
  let text: string
  try {
    text = JSON.stringify(value) ?? String(value)
  } catch {
    text = String(value)
  }
  return text.length > 40 ? `${text.slice(0, 37)}...` : text
}
