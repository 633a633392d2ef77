/** The gossip topic for job offers (node/ imports it from here). */
export const OFFERS_TOPIC = 'rynus/offers/1'

/** Largest encoded offer; larger gossip messages on the topic are rejected. */
export const MAX_OFFER_BYTES = 4 * 1024
/** Most capability keys an offer may require. */
export const MAX_OFFER_CAPABILITIES = 16
/** Job kinds are short words; unknown but well-formed kinds are delivered (newer versions add kinds). */
export const JOB_KIND_PATTERN = /^[a-z][a-z0-9-]{0,31}$/
export const KNOWN_JOB_KINDS = ['render', 'train'] as const
/** Most units (frames) one job may have. */
export const MAX_OFFER_UNITS = 1_048_575
export const GPU_MODEL_PATTERN = /^([a-z0-9][a-z0-9-]{0,127})?$/

/** Longest lifetime an offer may claim (expiresAt - createdAt); longer is rejected. */
export const MAX_OFFER_TTL_MS = 60 * 60_000
/** How far in the future createdAt may be before the offer is ignored (clock skew). */
export const MAX_CLOCK_SKEW_MS = 60_000

/** Offers one requester may have accepted per minute; more are ignored. */
export const OFFERS_PER_PEER_PER_MINUTE = 60
/** Most (requester, job) pairs remembered for duplicate suppression; when full, new offers are ignored. */
export const MAX_TRACKED_OFFERS = 100_000

/** Largest spec block carried inside an offer (bigger specs are fetched over bitswap). */
export const MAX_OFFER_SPEC_BYTES = 3 * 1024
