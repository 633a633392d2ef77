import { RynusError } from '../common/errors.js'

/**
 * An offer that is invalid in itself (malformed, oversized, unsigned, impossible values):
 * gossip REJECTs it and penalises the peer that sent it.
 */
export class OfferRejectError extends RynusError {
  readonly verdict = 'reject'

  constructor(message: string, code = 'ERR_OFFER_INVALID') {
    super(message, code)
  }
}

/**
 * An offer that is not wrong but not for now (expired, early, a duplicate, over the
 * requester's rate): gossip IGNOREs it — not delivered, not forwarded, nobody penalised.
 */
export class OfferIgnoreError extends RynusError {
  readonly verdict = 'ignore'

  constructor(message: string, code: string) {
    super(message, code)
  }
}

/** Stable codes, for stats and logs. */
export const OfferErrorCodes = {
  invalid: 'ERR_OFFER_INVALID',
  malformed: 'ERR_OFFER_MALFORMED',
  tooLarge: 'ERR_OFFER_TOO_LARGE',
  unsigned: 'ERR_OFFER_UNSIGNED',
  expired: 'ERR_OFFER_EXPIRED',
  early: 'ERR_OFFER_EARLY',
  duplicate: 'ERR_OFFER_DUPLICATE',
  rateLimited: 'ERR_OFFER_RATE_LIMITED',
  busy: 'ERR_OFFER_BUSY'
} as const
