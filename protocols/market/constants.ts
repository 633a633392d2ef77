/** Bids and awards between a worker and a requester, one request per stream. */
export const MARKET_PROTOCOL = '/rynus/market/1.0.0'

/** Largest request or reply on the wire (an award of MAX_AWARD_FRAMES frames fits easily). */
export const MAX_MARKET_MESSAGE_BYTES = 32 * 1024
/** Most frames one award may hand out. */
export const MAX_AWARD_FRAMES = 4096
/** Highest frame number accepted (Blender's own limit is 1 048 574). */
export const MAX_FRAME_NUMBER = 1_048_574

/** How long the receiver waits for the whole request after the stream opens. */
export const MARKET_READ_TIMEOUT_MS = 5_000
/** How long a hook (onBid/onAward) may take to answer before the stream is dropped. */
export const MARKET_HANDLER_TIMEOUT_MS = 10_000
/** How long the sender waits for dial + request + reply in all. */
export const MARKET_REQUEST_TIMEOUT_MS = 20_000

/** Concurrent market streams per connection, each way. */
export const MARKET_MAX_INBOUND_STREAMS = 8
export const MARKET_MAX_OUTBOUND_STREAMS = 8
/** Requests one peer may make per minute; beyond that it is refused without the hooks running. */
export const MARKET_REQUESTS_PER_PEER_PER_MINUTE = 240

/** A bid older than this is stale and refused. */
export const MAX_BID_AGE_MS = 5 * 60_000
/** How far in the future a timestamp may be, for clock skew. */
export const MAX_CLOCK_SKEW_MS = 60_000
/** Latest deadline an award may set, counted from its creation. */
export const MAX_AWARD_DEADLINE_MS = 7 * 24 * 60 * 60_000
/** Slowest ETA a bid may claim for one unit (a day per frame). */
export const MAX_ETA_SECONDS_PER_UNIT = 24 * 60 * 60
/** Most slots a worker may claim to have free. */
export const MAX_FREE_SLOTS = 1024
/** Largest VRAM a GPU may claim (4 TiB). */
export const MAX_VRAM_BYTES = 4 * 1024 ** 4

/** Job ids and output CIDs in string form. */
export const MAX_CID_LENGTH = 128
/** Task ids are the scheduler's: printable ASCII without spaces. */
export const TASK_ID_PATTERN = /^[\x21-\x7e]{1,128}$/
export const MAX_GPU_MODEL_LENGTH = 128
/** Reasons in replies, acks and cancels. */
export const MAX_REASON_LENGTH = 512

/** Worker tiers; 'trusted' is a claim that must be checked against the chain's registry. */
export const TIERS = ['global', 'trusted'] as const

/** Domain separation for signatures: a bid signature can never pass for an award's. */
export const BID_SIGNING_DOMAIN = 'rynus-market:bid:'
export const AWARD_SIGNING_DOMAIN = 'rynus-market:award:'
/** Field numbers shared by every signed message. */
export const PUBLIC_KEY_FIELD = 14
export const SIGNATURE_FIELD = 15
