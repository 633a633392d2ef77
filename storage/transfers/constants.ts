/**
 * Blocks one fetch has in hand at once, over all its providers: wanted and not yet arrived, or
 * arrived and not yet stored (so a disk slower than the network holds the fetch back rather
 * than filling memory). Each is at most one 1 MiB block, so this bounds what a fetch holds.
 * `npm run bench:transfer`, 1 GiB on a 2-core box: 32 gave 94 MB/s from one provider and 104
 * from three at a 262–272 MB peak RSS; 24 gave 92 and 92 at 261–273; 16 gave 74 and 69 at
 * 242–251 (each the same run's figures).
 */
export const FETCH_WINDOW_BLOCKS = 32

/** Most wants outstanding at one provider; a single provider may take the whole window. */
export const PEER_WINDOW_BLOCKS = 32

/**
 * Wants go out in batches of this many, each batch to one provider (the least loaded), so
 * several providers each stream a run of blocks rather than interleaving single ones. Two
 * batches fill the window, so a provider reads the next batch while sending this one.
 */
export const FETCH_BATCH_BLOCKS = 16

/**
 * A want one provider has not answered for this long is given to another provider (and this
 * provider is not asked for that block again during the fetch unless no other has it).
 */
export const WANT_TIMEOUT_MS = 10_000

/** How often outstanding wants are checked against WANT_TIMEOUT_MS. */
export const WANT_CHECK_INTERVAL_MS = 1_000

/** A connected peer is asked again whether it holds the root at most this often. */
export const PROBE_INTERVAL_MS = 2_000

/** With no provider among connected peers after this long, providers are looked up in the DHT. */
export const DHT_LOOKUP_DELAY_MS = 500

/** Providers found in the DHT that are dialled per fetch. */
export const DHT_MAX_PROVIDERS = 8

/**
 * A peer that served bytes that do not match the CID asked for is not asked again (by any
 * fetch of this node) for this long.
 */
export const BAD_PEER_BAN_MS = 30 * 60_000

/** peerStore tag put on a peer that served corrupt blocks (the connection manager prunes it first). */
export const BAD_PEER_TAG = 'rynus-corrupt-blocks'
