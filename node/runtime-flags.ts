import { setFlagsFromString } from 'node:v8'

/**
 * V8 flags every `rynus-node` process runs with (the bin's shebang, the devnet's nodes, the
 * tests' and benchmarks' node processes).
 *
 * `--max-semi-space-size=4`: on a 24 GiB machine Node 24 lets V8's young generation grow to
 * about 130 MB, and a node moving data at full speed allocates enough to reach it, all of it
 * resident. 8 MB semi-spaces cap it near 17 MB. `npm run bench:transfer`, 1 GiB from one
 * provider: the fetcher's peak RSS fell from 295 to 260 MB at the same speed (92–95 MB/s).
 * 4 MB (with `--heap-growing-percent=300` below): a node moving data allocates few JS objects
 * per buffer, so scavenges, which free the network and file buffers that died young, came
 * seldom, and dead buffers piled up in between. A provider's peak RSS 243–289 → 165–218 MB
 * (256 MiB and 1 GiB), the fetcher's 226–250 → 196–244 MB, at the same speed (1 GiB from
 * one provider 160–210 MB/s with 4, 138–203 with 8, alternating runs); importing 1 GiB
 * peaked at 215 MB instead of 282.
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
 *
 * `--heap-growing-percent=300`: after a full GC the next one starts when the heap (with its
 * ArrayBuffers, by the flag above) has grown to 4× what survived, the most V8 itself chooses.
 * Left to choose, V8 kept a node moving data at about 1.1× its ~31 MB: a full GC every
 * 100–300 ms (`--trace-gc`), whose marking took its 4 helper threads ~0.6 s of CPU per 256 MiB
 * fetched. On the 2-core box that CPU came out of the transfer, and more so in a fetcher that
 * had just greeted three providers, whose next full GC fell inside the fetch more often.
 * `npm run bench:transfer`, 256 MiB to a file, 9 tries each, three runs alternating with and
 * without: one provider 114–142 → 140–165 MB/s (medians 122 → 151), three providers
 * 106–123 → 139–162 (113 → 152); the provider's CPU per MiB 3.4–6.1 → 1.8–2.6 ms; the fetcher's
 * GC threads 0.5–2.6 → 0.6–0.8 ms per MiB. 1 GiB from one provider (separate runs) 134–160 →
 * 157–202 MB/s, peak RSS unchanged (fetcher 251, provider 284 MB). With 100 (2×) the GC
 * threads still took 1.3–1.5 ms per MiB of 1 GiB, against 0.4–0.5 with 300.
 */
export const NODE_RUNTIME_FLAGS = [
  '--max-semi-space-size=4',
  '--heap-growing-percent=300',
  '--external-memory-accounted-in-global-limit'
]

/**
 * Of NODE_RUNTIME_FLAGS, those V8 reads only as it starts, or that every Node since 20 takes:
 * the bin's shebang carries them.
 */
export const STARTUP_FLAGS = ['--max-semi-space-size=4', '--heap-growing-percent=300']

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
