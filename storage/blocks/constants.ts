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
