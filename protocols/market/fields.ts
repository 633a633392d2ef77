import { CID } from 'multiformats/cid'
import { MAX_CID_LENGTH, TASK_ID_PATTERN } from './constants.js'

/*
 * Field checks shared by the market, job and offer codecs. Each takes `fail`, which builds the
 * protocol's own typed error from a description of the problem.
 */

export type Fail = (problem: string) => Error

/** A CID in its canonical string form (one spelling per CID, so ids compare as strings). */
export function checkCid(text: string, field: string, fail: Fail): void {
  if (text.length === 0 || text.length > MAX_CID_LENGTH) throw fail(`${field} must be a CID string`)
  let cid: CID
  try {
    cid = CID.parse(text)
  } catch {
    throw fail(`${field} is not a valid CID`)
  }
  if (cid.version !== 1 || cid.toString() !== text) throw fail(`${field} must be a CIDv1 in base32`)
}

export function checkTaskId(text: string, field: string, fail: Fail): void {
  if (!TASK_ID_PATTERN.test(text)) throw fail(`${field} must be 1-128 printable ASCII characters`)
}

/** Free text from a peer: bounded length, no control characters. */
export function checkText(text: string, maxLength: number, field: string, fail: Fail): void {
  if (text.length > maxLength) throw fail(`${field} is longer than ${maxLength} characters`)
  // biome-ignore lint/suspicious/noControlCharactersInRegex: rejecting control characters is the point
  if (/[\u0000-\u001f\u007f]/.test(text)) throw fail(`${field} contains control characters`)
}

/** A whole number in [min, max]. */
export function checkInteger(value: number, min: number, max: number, field: string, fail: Fail): void {
  if (!Number.isSafeInteger(value) || value < min || value > max) {
    throw fail(`${field} must be a whole number from ${min} to ${max}`)
  }
}

/** One of a fixed set of words. */
export function checkOneOf<T extends string>(
  value: string,
  allowed: readonly T[],
  field: string,
  fail: Fail
): asserts value is T {
  if (!(allowed as readonly string[]).includes(value))
    throw fail(`${field} must be one of ${allowed.join(', ')}`)
}

/** Runs `decode`, turning whatever it throws into the protocol's error. */
export function decodeWith<T>(decode: () => T, what: string, fail: Fail): T {
  try {
    return decode()
  } catch (err) {
    throw fail(
      `${what} is not a valid protobuf message (${err instanceof Error ? err.message : String(err)})`
    )
  }
}
