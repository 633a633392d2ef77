/**
 * Blocks one fetch has in hand at once from one provider: wanted and not yet arrived, or
 * arrived and not yet stored (so a disk slower than the network holds the fetch back rather
 * than filling memory). Each is at most one 1 MiB block, so this bounds what a fetch holds.
 * With several providers in use it is shared in smaller batches (see SourcePlan): a window
 * of 24 or more took the fetcher past 300 MB of RSS with three providers on the 2-core box.
 * `npm run bench:transfer` on a 2-core box, to a file, best of two tries, two runs of each
 * alternated (batches of 8): 16 gave 163 and 204 MB/s for 256 MiB from one provider, 160 and
 * 174 for 1 GiB, 164 and 169 for 1 GiB from three, with the fetcher's peak RSS at 249–252 MB
 * in that last case; 24 gave 172 and 173, 172 and 151, 169 and 163, at 300–312 MB. (Before
 * received blocks stayed in their pieces and V8's GC was retuned, 16 was clearly slower than
 * 32: 74 against 94 MB/s.)
 */
export const FETCH_WINDOW_BLOCKS = 16

/** Most wants outstanding at one provider; a single provider may take the whole window. */
export const PEER_WINDOW_BLOCKS = 16

/**
 * Wants go out in batches of this many, each batch to one provider (the least loaded of those
 * in use), so several providers each stream a run of blocks rather than interleaving single
 * ones. Two batches fill a one-provider window, so it reads the next batch while sending this.
 * `npm run bench:transfer` (to a file, best of two tries, two runs alternated, window 24): 8
 * gave 180 and 171 MB/s for 256 MiB from one provider, 210 and 163 for 1 GiB; 12 gave 153
 * and 155, 172 and 166. From three providers both were alike (147–171 against 139–170).
 */
export const FETCH_BATCH_BLOCKS = 8

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

/** Smallest batch: with many providers in use, each still gets a run of this many blocks. */
export const MIN_FETCH_BATCH_BLOCKS = 2

/**
 * A fetch measures its rate in phases of this long, with at least this many blocks, to decide
 * how many providers to ask (see SourcePlan). Blocks arrive in runs of a batch, so a phase of
 * a few batches measured by blocks rather than time swung by 2× between phases on the 2-core
 * box (16 MiB phases: 54 to 316 MB/s in one fetch); half a second holds dozens of batches.
 */
export const SOURCE_PHASE_MS = 500
export const SOURCE_PHASE_MIN_BLOCKS = 2 * FETCH_BATCH_BLOCKS

/**
 * A wider try is put off while the event loop was busy at least this share of the last phase
 * (this node is the limit). On the 2-core box a fetch that one provider kept busy measured
 * 0.67–0.71 per phase; one fed by a provider paced to 30 MB/s 0.13–0.29, to 60 MB/s 0.30–0.48.
 */
export const BUSY_LOOP_LOAD = 0.55

/** One provider more is kept when its phase was at least this much faster. */
export const PROBE_GAIN = 0.25

/** One provider fewer is kept when its phase was at most this much slower. */
export const PROBE_LOSS = 0.05

/**
 * Steady phases before a probe the other way after a kept one; doubled after each undone
 * probe, up to the max. The first probe follows the first steady phase.
 */
export const PROBE_FIRST_BACKOFF_PHASES = 2
export const PROBE_MAX_BACKOFF_PHASES = 16
