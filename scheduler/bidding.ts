import { parseAllowedHours, systemUtcOffsetMinutes, withinAllowedHours } from './allowed-hours.js'
import { matchRequirements, type WorkerCapacity } from './capacity.js'
import { describeMismatch } from './mismatch.js'
import { formatTokens, minBigInt, unitPriceFor, workAsNumber } from './pricing.js'
import type { WorkerTier } from './rank/types.js'
import { defaultJobKinds, type JobKindRegistry } from './spec/registry.js'
import type { JobSpec } from './spec/types.js'

/** An offer as the worker weighs it: the gossip offer plus the spec fetched by its job id. */
export interface OfferToBid {
  jobId: string
  /** The spec block (validated, and its CID checked against jobId, by the caller). */
  spec: JobSpec
  /** ms since the epoch when the offer stops taking bids. */
  expiresAt: number
}

/** The operator's rules for bidding (from the node config). */
export interface BiddingPolicy {
  /** Local-time windows when this worker takes jobs, e.g. `['22:00-07:00']`; empty or absent = always. */
  allowedHours?: readonly string[]
  /** Local time = UTC + this; defaults to this machine's offset at `now`. */
  utcOffsetMinutes?: number
  /** Bid this many percent above the floor-derived price (never above the job's max price). Default 0. */
  markupPercent?: number
  /** Seconds this worker needs for one reference unit (render: 1 MP at 128 samples), for ETAs. Default 10. */
  secondsPerReferenceUnit?: number
  /** Job kinds taken; default every kind the registry knows. */
  kinds?: readonly string[]
  registry?: JobKindRegistry
}

/** A bid to send (the market layer signs it and adds createdAt). */
export interface BidDraft {
  jobId: string
  pricePerUnit: bigint
  etaSecondsPerUnit: number
  gpuModel: string
  vramBytes: number
  freeSlots: number
  tier: WorkerTier
}

export type DeclineCode = 'expired' | 'hours' | 'kind' | 'requirements' | 'busy' | 'price'

export interface DeclineReason {
  code: DeclineCode
  message: string
}

export type BidDecision = { bid: BidDraft } | { decline: DeclineReason }

export const DEFAULT_SECONDS_PER_REFERENCE_UNIT = 10

/**
 * Whether this worker bids on an offer, and at what price. Declines, in this order: offer
 * expired or deadline passed; outside the allowed hours; a kind not taken; requirements not met
 * (capabilities, GPU vendor/model/VRAM); no free slot; its price above the job's max price. The
 * price is `floor × work per unit` (see pricing.ts) plus the markup, capped at the max price.
 */
export function decideBid(
  offer: OfferToBid,
  capacity: WorkerCapacity,
  policy: BiddingPolicy,
  now: number
): BidDecision {
  const { spec } = offer
  if (offer.expiresAt <= now || spec.deadline <= now) {
    return decline('expired', 'the offer expired or its deadline passed')
  }
  const windows = parseAllowedHours(policy.allowedHours ?? [])
  if (!withinAllowedHours(windows, now, policy.utcOffsetMinutes ?? systemUtcOffsetMinutes(now))) {
    return decline(
      'hours',
      `outside the allowed hours (${(policy.allowedHours ?? []).join(', ')}, local time)`
    )
  }
  const registry = policy.registry ?? defaultJobKinds()
  const kind = registry.find(spec.kind)
  if (kind === undefined || (policy.kinds !== undefined && !policy.kinds.includes(spec.kind))) {
    return decline('kind', `this worker does not take ${spec.kind} jobs`)
  }
  const match = matchRequirements(spec, kind, capacity)
  if (!match.ok) return decline('requirements', describeMismatch(match.problem))
  if (capacity.freeSlots < 1) return decline('busy', 'no free slot')
  const work = kind.workPerUnit(spec)
  const floorPrice = unitPriceFor(capacity.priceFloorPerUnit, work)
  const maxPrice = BigInt(spec.maxPricePerUnit)
  if (floorPrice > maxPrice) {
    return decline(
      'price',
      `this worker's price of ${formatTokens(floorPrice)} per ${kind.unitName} is above the job's max of ${formatTokens(maxPrice)}`
    )
  }
  const markup = BigInt(Math.max(0, Math.round((policy.markupPercent ?? 0) * 100)))
  const marked = floorPrice + (floorPrice * markup) / 10_000n
  const seconds = policy.secondsPerReferenceUnit ?? DEFAULT_SECONDS_PER_REFERENCE_UNIT
  return {
    bid: {
      jobId: offer.jobId,
      pricePerUnit: minBigInt(marked, maxPrice),
      etaSecondsPerUnit: seconds * workAsNumber(work),
      gpuModel: match.gpu?.model ?? '',
      vramBytes: match.gpu?.vramBytes ?? 0,
      freeSlots: capacity.freeSlots,
      tier: capacity.tier
    }
  }
}

function decline(code: DeclineCode, message: string): BidDecision {
  return { decline: { code, message } }
}
