/**
 * UnixFS leaf size: 1 MiB raw leaves.
 * - It is the largest block size every IPFS implementation exchanges over bitswap (go-bitswap
 *   refuses blocks over 2 MiB; 1 MiB is kubo's largest recommended chunk and helia's default),
 *   so any IPFS tool can fetch what Rynus nodes store.
 * - Per-block costs (wantlist entries, a bitswap message, a level write, a hash) are paid 4×
 *   less often than with 256 KiB chunks: a 1 GiB scene is 1024 leaves, not 4096.
 * - Raw leaves hold the file's bytes as they are (no dag-pb wrapper), so a leaf's CID is the
 *   CID of the chunk itself and identical chunks deduplicate across files.
 * The price is coarser deltas (a 1-byte edit re-sends 1 MiB); the data issue measures
 * content-defined chunking against this.
 */
export const CHUNK_SIZE_BYTES = 1024 * 1024

/** Children per interior UnixFS node (balanced layout): one level of links covers 1 GiB. */
export const MAX_CHILDREN_PER_NODE = 1024

/**
 * A fetch fails with ERR_FETCH_TIMEOUT when no new data arrived for this long: no provider
 * answered (or the one that did went silent). Measured per chunk, not for the whole file,
 * so large files are not cut off while data still flows.
 */
export const DEFAULT_FETCH_TIMEOUT_MS = 30_000

/** Suffix of the temporary file or folder an export writes before renaming it into place. */
export const PARTIAL_SUFFIX = '.rynus-partial'

/**
 * Blocks hashed and written at once during an import. Each holds one chunk in memory, so an
 * import buffers at most 8 MiB per file however large the file is (the importer's default
 * of 50 would read 50 MiB ahead), while hashing and level writes still overlap.
 */
export const BLOCK_WRITE_CONCURRENCY = 8

/** Files imported at once from a folder (each with its own BLOCK_WRITE_CONCURRENCY). */
export const FILE_IMPORT_CONCURRENCY = 4
