import type { Message } from '@libp2p/gossipsub'
import { TopicValidatorResult } from '@libp2p/gossipsub'
import { RateLimiter } from '@libp2p/utils'
import { decodeOffer, type JobOffer } from './codec.js'
import {
  MAX_CLOCK_SKEW_MS,
  MAX_OFFER_BYTES,
  MAX_TRACKED_OFFERS,
  OFFERS_PER_PEER_PER_MINUTE
} from './constants.js'
import { OfferErrorCodes, OfferIgnoreError, OfferRejectError } from './errors.js'

export interface OfferValidatorOptions {
  offersPerPeerPerMinute?: number
  maxTrackedOffers?: number
  /** The clock (ms since the epoch); tests move it. */
  now?: () => number
}

/**
 * Decides what happens to one gossip message on the offers topic. `check` returns the offer
 * or throws OfferRejectError (invalid: REJECT, the sender is penalised) or OfferIgnoreError
 * (stale, early, duplicate, over rate: IGNORE). It remembers accepted offers per requester
 * and job until they expire, so a replay is ignored; a re-offer needs a newer createdAt.
 */
export class OfferValidator {
  private readonly now: () => number
  private readonly maxTracked: number
  private readonly limiter: RateLimiter
  /** `${requester}/${jobId}` → the newest accepted offer's createdAt and expiresAt */
  private readonly seen = new Map<string, { createdAt: number; expiresAt: number }>()

  constructor(opts: OfferValidatorOptions = {}) {
    this.now = opts.now ?? Date.now
    this.maxTracked = opts.maxTrackedOffers ?? MAX_TRACKED_OFFERS
    this.limiter = new RateLimiter({
      points: opts.offersPerPeerPerMinute ?? OFFERS_PER_PEER_PER_MINUTE,
      duration: 60
    })
  }

  check(msg: Message): JobOffer {
    if (msg.type !== 'signed')
      throw new OfferRejectError('offers must be signed by their requester', OfferErrorCodes.unsigned)
    if (msg.data.byteLength > MAX_OFFER_BYTES) {
      throw new OfferRejectError(
        `offer of ${msg.data.byteLength} bytes exceeds ${MAX_OFFER_BYTES}`,
        OfferErrorCodes.tooLarge
      )
    }
    const offer = decodeOffer(msg.data)
    const now = this.now()
    if (offer.expiresAt <= now) throw new OfferIgnoreError('offer has expired', OfferErrorCodes.expired)
    if (offer.createdAt > now + MAX_CLOCK_SKEW_MS) {
      throw new OfferIgnoreError('offer is dated in the future; check the clocks', OfferErrorCodes.early)
    }
    const requester = msg.from.toString()
    const key = `${requester}/${offer.jobId}`
    const last = this.seen.get(key)
    if (last !== undefined && offer.createdAt <= last.createdAt) {
      throw new OfferIgnoreError(
        'offer was already seen (a re-offer needs a newer createdAt)',
        OfferErrorCodes.duplicate
      )
    }
    if (last === undefined && this.seen.size >= this.maxTracked) {
      this.prune(now)
      if (this.seen.size >= this.maxTracked) {
        throw new OfferIgnoreError('too many open offers to track; try later', OfferErrorCodes.busy)
      }
    }
    try {
      this.limiter.consume(requester)
    } catch {
      throw new OfferIgnoreError('requester is over its offer rate', OfferErrorCodes.rateLimited)
    }
    this.seen.set(key, { createdAt: offer.createdAt, expiresAt: offer.expiresAt })
    return offer
  }

  /** Forgets offers that have expired (their replays are ignored as expired anyway). */
  prune(now = this.now()): void {
    for (const [key, entry] of this.seen) if (entry.expiresAt <= now) this.seen.delete(key)
  }

  get tracked(): number {
    return this.seen.size
  }
}

/** The one place an offer error becomes a gossipsub verdict. Anything unexpected is ignored. */
export function verdictOf(err: unknown): TopicValidatorResult {
  if (err instanceof OfferRejectError) return TopicValidatorResult.Reject
  return TopicValidatorResult.Ignore
}
