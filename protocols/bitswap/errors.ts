import { RynusError } from '../common/errors.js'

/** A peer sent a bitswap message that is malformed or beyond our limits. */
export class BitswapMessageError extends RynusError {
  constructor(message: string) {
    super(message, 'ERR_BITSWAP_MESSAGE')
  }
}
