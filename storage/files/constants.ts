/**
 * UnixFS leaf size of ordinary imports: 1 MiB fixed-size raw leaves, balanced tree.
 * - It is the largest block size every IPFS implementation exchanges over bitswap (go-bitswap
 *   refuses blocks over 2 MiB; 1 MiB is kubo's largest recommended chunk and helia's default),
 *   so any IPFS tool can fetch what Rynus nodes store.
 * - Per-block costs (wantlist entries, a bitswap message, a level write, a hash) are paid 4×
 *   less often than with 256 KiB chunks: a 1 GiB scene is 1024 leaves, not 4096.
 * - Raw leaves hold the file's bytes as they are (no dag-pb wrapper), so a leaf's CID is the
 *   CID of the chunk itself and identical chunks deduplicate across files.
 *
 * Measured by `npm run bench:chunking` (64 MiB of seeded random bytes, the same data for every
 * variant in one run; best of 7 rounds that interleave the variants; "new" = blocks of the
 * edited file's DAG that the original lacks, i.e. what a peer holding the old version fetches;
 * a 2-core box at load 6 shared with other work, so disk MB/s moved ±50 % between runs):
 *
 * | variant                        | memory MB/s | disk MB/s | blocks | overwrite 1 MiB: new | insert 100 B: new    |
 * |--------------------------------|-------------|-----------|--------|----------------------|----------------------|
 * | fixed 1 MiB, balanced (chosen) | 1583–1627   | 148–162   | 65     | 3 blocks, 2.00 MiB   | 34 blocks, 32.00 MiB |
 * | fixed 256 KiB, balanced        | 1478–1511   | 152–241   | 257    | 6 blocks, 1.26 MiB   | 130 blocks, 32.01 MiB|
 * | fixed 1 MiB, trickle           | 1536–1686   | 125–259   | 65     | 3 blocks, 2.00 MiB   | 34 blocks, 32.00 MiB |
 * | rabin 256 KiB avg (wasm)       | 94–151      | 50–91     | 194    | 8 blocks, 2.68 MiB   | 3 blocks, 0.72 MiB   |
 * | FastCDC 256 KiB avg            | 302–458     | 87–148    | 221    | 5 blocks, 1.04 MiB   | 2 blocks, 0.31 MiB   |
 * | FastCDC 512 KiB avg (watched)  | 320–407     | 78–185    | 109    | 6 blocks, 2.62 MiB   | 2 blocks, 0.85 MiB   |
 *
 * Content-defined chunking costs 4–5× the CPU per byte of fixed chunks (memory column: the
 * chunker's gear hash in JS next to native SHA-256) and up to half the speed of an import to
 * disk; it pays off only when a file is edited in place: an insert moves under 1 MiB instead of
 * everything after it. Fixed 256 KiB gains nothing on an insert and makes 4× the blocks (4× the
 * per-block cost of every transfer); trickle makes the same blocks as balanced. Decision: fixed
 * 1 MiB, balanced for ordinary imports (the fastest import, the fewest blocks, the CIDs other
 * IPFS tools give with 1 MiB raw leaves), and FastCDC 512 KiB (CDC_* below) for watched
 * assets, whose files are edited and re-imported, and where only changed files are read again.
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

/**
 * A file being exported is flushed to disk in the background each time this much more of it
 * was written, so the sync before its rename finds little left. `npm run bench:transfer`,
 * 1 GiB: that sync took ~0.5 s, 8 % of the download, when it was the only one.
 */
export const EXPORT_FLUSH_BYTES = 64 * 1024 * 1024

/** Suffix of the temporary file or folder an export writes before renaming it into place. */
export const PARTIAL_SUFFIX = '.rynus-partial'

/**
 * Blocks hashed and written at once during an import. Each holds one chunk in memory, so an
 * import buffers at most 8 MiB per file however large the file is (the importer's default
 * of 50 would read 50 MiB ahead), while hashing and level writes still overlap.
 */
export const BLOCK_WRITE_CONCURRENCY = 8

/**
 * Content-defined chunking of watched assets (FastCDC, see cdc-chunker.ts): chunks between
 * 128 KiB and 1 MiB gathering around 512 KiB. Measured against a 256 KiB average (above): half
 * the blocks at about the same speed for a larger but still small delta (0.85 MiB vs 0.31 MiB
 * after a 100-byte insert, 2.62 vs 1.04 MiB after a 1 MiB overwrite), and never a chunk over
 * 1 MiB, which every IPFS peer takes. Rabin (wasm) cuts as well but runs at a third of the speed.
 * Changing any of these changes watched assets' CIDs.
 */
export const CDC_MIN_BYTES = 128 * 1024
export const CDC_AVG_BYTES = 512 * 1024
export const CDC_MAX_BYTES = 1024 * 1024

/** Files imported at once from a folder (each with its own BLOCK_WRITE_CONCURRENCY). */
export const FILE_IMPORT_CONCURRENCY = 4
