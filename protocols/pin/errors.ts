import { RynusError } from '../common/errors.js'
import type { PinRefusalCode } from './constants.js'

/** A pin request or answer is malformed or out of limits. */
export class PinMessageError extends RynusError {
  constructor(message: string) {
    super(message, 'ERR_PIN_MESSAGE')
  }
}

/**
 * A super-peer refused a pin; `code` is the refusal's (ERR_PIN_QUOTA_BYTES…). Raised on the
 * super-peer to answer with, and by `assertPinned` on the asking node.
 */
export class PinRefusedError extends RynusError {
  constructor(code: PinRefusalCode | string, message: string, options?: ErrorOptions) {
    super(message, code, options)
  }
}
