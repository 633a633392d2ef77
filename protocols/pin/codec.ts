import { CID } from 'multiformats/cid'
import { checkInteger, checkText, decodeWith, type Fail } from '../market/fields.js'
import {
  MAX_PIN_CID_LENGTH,
  MAX_PIN_MESSAGE_BYTES,
  MAX_PIN_REASON_LENGTH,
  PIN_MAX_BLOCKS
} from './constants.js'
import { PinMessageError } from './errors.js'
import { PinRequest as PinRequestPb, PinResponse as PinResponsePb } from './pb/pin.js'

/** A node → super-peer: keep `cid` for `durationMs` (or drop this node's pin of it). */
export interface PinRequest {
  cid: string
  durationMs: number
  release: boolean
}

/** super-peer → node: accepted with an expiry, or refused with a code and a reason. */
export interface PinAnswer {
  accepted: boolean
  /** '' when accepted */
  code: string
  reason: string
  /** ms since the epoch; 0 after a release or a refusal */
  expiresAt: number
  bytes: number
  blocks: number
}

const fail: Fail = (problem) => new PinMessageError(problem)
const CODE_PATTERN = /^(ERR_[A-Z0-9_]{1,60})?$/

function checkSize(bytes: Uint8Array, what: string): void {
  if (bytes.byteLength > MAX_PIN_MESSAGE_BYTES) {
    throw fail(`${what} of ${bytes.byteLength} bytes exceeds ${MAX_PIN_MESSAGE_BYTES}`)
  }
}

/** The CID of a request in its CIDv1 string form; throws ERR_PIN_MESSAGE when it is not a CID. */
export function requestCid(text: string): CID {
  if (text.length === 0 || text.length > MAX_PIN_CID_LENGTH) throw fail('cid must be a CID string')
  try {
    return CID.parse(text).toV1()
  } catch {
    throw fail(`cid "${text.slice(0, 80)}" is not a valid CID`)
  }
}

export function validatePinRequest(req: PinRequest): PinRequest {
  requestCid(req.cid)
  if (!req.release) checkInteger(req.durationMs, 1, Number.MAX_SAFE_INTEGER, 'durationMs', fail)
  return req
}

export function encodePinRequest(req: PinRequest): Uint8Array {
  return PinRequestPb.encode(validatePinRequest(req))
}

export function decodePinRequest(bytes: Uint8Array): PinRequest {
  checkSize(bytes, 'pin request')
  const pb = decodeWith(() => PinRequestPb.decode(bytes), 'pin request', fail)
  return validatePinRequest({ cid: pb.cid, durationMs: pb.durationMs, release: pb.release })
}

export function validatePinAnswer(answer: PinAnswer): PinAnswer {
  if (!CODE_PATTERN.test(answer.code)) throw fail('code must be empty or ERR_ and capitals')
  if (answer.accepted !== (answer.code === ''))
    throw fail('an accepted answer has no code, a refusal has one')
  checkText(answer.reason, MAX_PIN_REASON_LENGTH, 'reason', fail)
  checkInteger(answer.expiresAt, 0, Number.MAX_SAFE_INTEGER, 'expiresAt', fail)
  checkInteger(answer.bytes, 0, Number.MAX_SAFE_INTEGER, 'bytes', fail)
  checkInteger(answer.blocks, 0, PIN_MAX_BLOCKS, 'blocks', fail)
  return answer
}

export function encodePinAnswer(answer: PinAnswer): Uint8Array {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: error texts may span lines
  const flat = answer.reason.replace(/[\u0000-\u001f\u007f]+/g, ' ')
  const reason = flat.length > MAX_PIN_REASON_LENGTH ? `${flat.slice(0, MAX_PIN_REASON_LENGTH - 1)}…` : flat
  return PinResponsePb.encode(validatePinAnswer({ ...answer, reason }))
}

export function decodePinAnswer(bytes: Uint8Array): PinAnswer {
  checkSize(bytes, 'pin answer')
  const pb = decodeWith(() => PinResponsePb.decode(bytes), 'pin answer', fail)
  return validatePinAnswer({ ...pb })
}
