/** DHT key namespace: keys look like /rynus/<kind>/<peer id>. */
export const RECORD_NAMESPACE = 'rynus'
/** Largest encoded record accepted from the network. */
export const MAX_RECORD_BYTES = 16 * 1024
/** Longest lifetime a record may claim. */
export const MAX_RECORD_TTL_MS = 24 * 60 * 60 * 1000
/** How far in the future a record's seq (its creation time) may be, for clock skew. */
export const MAX_CLOCK_SKEW_MS = 5 * 60 * 1000
/** Kind names: short lowercase words. */
export const KIND_PATTERN = /^[a-z][a-z0-9-]{0,31}$/
/** Domain separation for record signatures. */
export const SIGNING_DOMAIN = 'rynus-dht-record:'
