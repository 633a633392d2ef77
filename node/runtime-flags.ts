import { setFlagsFromString } from 'node:v8'

/**
 * V8 flags every `rynus-node` process runs with (the bin's shebang, the devnet's nodes, the
 * tests' and benchmarks' node processes).
 *
 * `--max-semi-space-size=8`: on a 24 GiB machine Node 24 lets V8's young generation grow to
 * about 130 MB, and a node moving data at full speed allocates enough to reach it, all of it
 * resident. 8 MB semi-spaces cap it near 17 MB. `npm run bench:transfer`, 1 GiB from one
 * provider: the fetcher's peak RSS fell from 295 to 260 MB at the same speed (92–95 MB/s).
 *
 * `--external-memory-accounted-in-global-limit`: V8 then schedules full GCs by one limit over
 * the JS heap and ArrayBuffer memory together. Without it, every 64 MB of ArrayBuffers
 * allocated since the last full GC starts another, memory-reducing one: a node moving data
 * allocates 2–3 buffer bytes per byte it moves (socket reads, decryption), so its ~45 MB
 * heap was marked and compacted about ten times a second. With it, on this 2-core box: GC
 * threads' time per MiB fetched 3–4 ms → 0.4–0.8; one libp2p stream 251–302 → 513 MB/s;
 * `npm run bench:transfer`, 1 GiB from one provider to a file 99 → 155 MB/s, into the store
 * 127 → 206 MB/s, peak RSS 248 → 271 MB (fetcher) and 195 → 269 MB (provider). V8 later made
 * this the default (and dropped the flag): if a Node upgrade refuses the flag, remove it here.
 */
export const NODE_RUNTIME_FLAGS = ['--max-semi-space-size=8', '--external-memory-accounted-in-global-limit']

/** Of NODE_RUNTIME_FLAGS, those V8 reads only as it starts: the bin's shebang carries them. */
export const STARTUP_FLAGS = ['--max-semi-space-size=8']

/**
 * Of NODE_RUNTIME_FLAGS, those V8 reads as it runs: bin.ts sets them when the shebang started
 * it (`setFlagsFromString`, measured to take effect: a loop of 1 MiB buffers went from 46 full
 * GCs to 1). They stay out of the shebang so that a Node without them (20, 22) still reaches
 * bin.ts's check of the Node version rather than failing with "bad option".
 */
export const LIVE_FLAGS = ['--external-memory-accounted-in-global-limit']

/** Sets the LIVE_FLAGS this process was not started with. */
export function applyLiveFlags(): void {
  for (const flag of LIVE_FLAGS) if (!process.execArgv.includes(flag)) setFlagsFromString(flag)
}
