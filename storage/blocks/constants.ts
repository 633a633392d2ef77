/** Folder (inside the node's data dir) holding every block this node stores. */
export const BLOCKS_DIR = 'blocks'

/**
 * Folder (inside the node's data dir) of large blocks, one file each (see FileBlockstore).
 * Smaller blocks stay in the level database in BLOCKS_DIR.
 */
export const BLOCK_FILES_DIR = 'block-files'

/**
 * Blocks of this size or more are files rather than level values: UnixFS leaves (up to
 * 1 MiB), not the folder/file nodes (a few KiB to ~45 KiB for 1024 links) or job specs.
 */
export const LARGE_BLOCK_BYTES = 64 * 1024

/**
 * Folder for helia's own datastore (pins, datastore version). Kept apart from the libp2p
 * datastore so helia's keys never mix with peer-store and DHT records.
 */
export const HELIA_DATASTORE_DIR = 'helia-datastore'

/** Standard bitswap, so any IPFS tool can read what Rynus nodes serve. */
export const BITSWAP_PROTOCOL = '/ipfs/bitswap/1.2.0'

/**
 * Concurrent inbound bitswap streams per connection. Bitswap opens one short stream per
 * message; a fetching peer keeps a handful open, 64 leaves room for bursts while one peer
 * cannot take all of yamux's 256 streams.
 */
export const BITSWAP_MAX_INBOUND_STREAMS = 64

/** Concurrent outbound bitswap streams per connection. */
export const BITSWAP_MAX_OUTBOUND_STREAMS = 64

/**
 * Largest inbound bitswap message. Blocks are at most 1 MiB (our chunk size) and bitswap
 * peers accept blocks up to 2 MiB; 4 MiB holds a maximal block plus a full wantlist, and a
 * peer that sends more has its stream reset before we buffer it.
 */
export const BITSWAP_MAX_INCOMING_MESSAGE_BYTES = 4 * 1024 * 1024

/** Largest message we send: 2 MiB, the size go-bitswap (kubo) peers expect. */
export const BITSWAP_MAX_OUTGOING_MESSAGE_BYTES = 2 * 1024 * 1024

/** Entries kept from one peer's wantlist; more are dropped. */
export const BITSWAP_MAX_WANTLIST_ENTRIES = 1024

/** An inbound bitswap stream that sends nothing for this long is closed. */
export const BITSWAP_MESSAGE_RECEIVE_TIMEOUT_MS = 10_000
