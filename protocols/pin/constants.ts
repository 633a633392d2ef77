/** A node asks a super-peer to keep (pin) a DAG for a while; one request per stream. */
export const PIN_PROTOCOL = '/rynus/pin/1.0.0'

/** Largest request or answer on the wire. */
export const MAX_PIN_MESSAGE_BYTES = 2048
/** Longest CID string a request may carry. */
export const MAX_PIN_CID_LENGTH = 128
/** Longest reason text in an answer. */
export const MAX_PIN_REASON_LENGTH = 512

/** How long the super-peer waits for the whole request after the stream opens. */
export const PIN_READ_TIMEOUT_MS = 10_000
/** How long fetching one DAG may take in all before the pin is refused (ERR_PIN_FETCH). */
export const DEFAULT_PIN_FETCH_TIMEOUT_MS = 10 * 60_000
/** How long the asking node waits for dial + request + answer: a fetch plus a margin. */
export const PIN_REQUEST_TIMEOUT_MS = DEFAULT_PIN_FETCH_TIMEOUT_MS + 30_000

/** Concurrent pin streams per connection, each way. */
export const PIN_MAX_INBOUND_STREAMS = 8
export const PIN_MAX_OUTBOUND_STREAMS = 8
/** DAGs fetched at once on a super-peer, all peers together; more wait for no one: ERR_PIN_BUSY. */
export const PIN_MAX_CONCURRENT_FETCHES = 4
/** Most blocks in one pinned DAG (200 000 blocks of 1 MiB is about 200 GiB). */
export const PIN_MAX_BLOCKS = 200_000

/** Defaults of the super-peer's `pinning` config. */
export const DEFAULT_PIN_MAX_PINS_PER_PEER = 1000
export const DEFAULT_PIN_MAX_BYTES_PER_PEER = 10 * 1024 ** 3
export const DEFAULT_PIN_MAX_DURATION_MS = 7 * 24 * 3600_000
/** Enough for a requester pinning each frame of a long render as tasks are accepted. */
export const DEFAULT_PIN_REQUESTS_PER_PEER_PER_MINUTE = 600
/** How often expired pins are looked for. */
export const DEFAULT_PIN_SWEEP_INTERVAL_MS = 60_000

/** helia pin metadata marking a pin kept for other peers (see storage/pins: an asset may share it). */
export { REMOTE_PIN_METADATA_KEY } from '../../storage/pins/index.js'

/** Why a pin was refused: stable codes in the answer's `code`. */
export const PIN_REFUSALS = {
  /** the request is malformed */
  request: 'ERR_PIN_REQUEST',
  /** too many requests from this peer; slow down */
  rateLimited: 'ERR_PIN_RATE_LIMITED',
  /** the peer holds its maximum number of pins */
  quotaPins: 'ERR_PIN_QUOTA_PINS',
  /** the DAG would take the peer past its byte quota */
  quotaBytes: 'ERR_PIN_QUOTA_BYTES',
  /** the DAG has more blocks than one pin may */
  tooLarge: 'ERR_PIN_TOO_LARGE',
  /** the super-peer is fetching as many DAGs as it will at once, or this peer's other request */
  busy: 'ERR_PIN_BUSY',
  /** the DAG could not be fetched in time (no online node has it) */
  fetch: 'ERR_PIN_FETCH',
  /** the DAG uses a codec the super-peer cannot walk */
  unsupported: 'ERR_PIN_UNSUPPORTED',
  /** release of a pin this peer does not hold */
  notPinned: 'ERR_PIN_NOT_FOUND',
  /** the super-peer failed; try later */
  internal: 'ERR_PIN_INTERNAL',
  /** this node does not pin for others (not a super-peer, or pinning is off) */
  unavailable: 'ERR_PIN_UNAVAILABLE'
} as const

export type PinRefusalCode = (typeof PIN_REFUSALS)[keyof typeof PIN_REFUSALS]
