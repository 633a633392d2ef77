/** Default port of the trustless HTTP gateway (next to the API's 4100). */
export const DEFAULT_GATEWAY_PORT = 4180
/** Requests served at once; more get 503 with Retry-After. */
export const DEFAULT_GATEWAY_MAX_CONCURRENT_REQUESTS = 32
/** Longest one response may take (a CAR of a big DAG streams for a while); then it is cut off. */
export const DEFAULT_GATEWAY_REQUEST_TIMEOUT_MS = 5 * 60_000
/** How long a client has to send its request headers. */
export const GATEWAY_HEADERS_TIMEOUT_MS = 10_000
/** A connection silent this long (either way) is closed. */
export const GATEWAY_IDLE_SOCKET_TIMEOUT_MS = 30_000
/** Longest URL path accepted. */
export const GATEWAY_MAX_PATH_LENGTH = 512
/** Most path segments after the CID (`/ipfs/<cid>/a/b/c` has three). */
export const GATEWAY_MAX_PATH_SEGMENTS = 32
/** Most entries listed for a UnixFS folder. */
export const GATEWAY_MAX_LISTING_ENTRIES = 10_000
/** Seconds to wait before retrying when the gateway is busy. */
export const GATEWAY_RETRY_AFTER_SECONDS = 2

export const RAW_CONTENT_TYPE = 'application/vnd.ipld.raw'
export const CAR_CONTENT_TYPE = 'application/vnd.ipld.car'
/** What we send: CARv1, blocks in no promised order, each block once. */
export const CAR_RESPONSE_TYPE = `${CAR_CONTENT_TYPE}; version=1; order=unk; dups=n`
/** Content is addressed by its hash: it never changes. */
export const IMMUTABLE_CACHE_CONTROL = 'public, max-age=29030400, immutable'
