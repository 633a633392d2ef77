import { RynusError } from '../common/errors.js'

/** A bid or award (or a reply) is not a well-formed message within the limits. */
export class MarketMessageError extends RynusError {
  constructor(message: string, options?: ErrorOptions) {
    super(message, 'ERR_MARKET_MESSAGE', options)
  }
}

/** A token amount is not a decimal uint256. */
export class InvalidAmountError extends RynusError {
  constructor(message: string) {
    super(message, 'ERR_INVALID_AMOUNT')
  }
}

/** A signed message's signature does not verify under the key it carries. */
export class BadSignatureError extends RynusError {
  constructor(message: string) {
    super(message, 'ERR_BAD_SIGNATURE')
  }
}

/** A message is signed by a different peer than the one it came from. */
export class SignerMismatchError extends RynusError {
  constructor(message: string) {
    super(message, 'ERR_SIGNER_MISMATCH')
  }
}

/** A request to a peer failed in transport: dial, timeout, reset, or a malformed reply. */
export class PeerRequestError extends RynusError {
  constructor(message: string, options?: ErrorOptions) {
    super(message, 'ERR_PEER_REQUEST', options)
  }
}
