/** Blocks fetched (or read) at once while walking a DAG: siblings travel together over bitswap. */
export const DAG_WALK_CONCURRENCY = 16

/** The CARv1 version number in the header. */
export const CAR_VERSION = 1

/** Largest CAR header a reader accepts (a header names roots only). */
export const MAX_CAR_HEADER_BYTES = 64 * 1024

/** Largest block section a reader accepts: a CID plus a 2 MiB block, the bitswap maximum. */
export const MAX_CAR_SECTION_BYTES = 2 * 1024 * 1024 + 1024
