/**
 * V8 flags every `rynus-node` process runs with (the bin's shebang, the devnet's nodes, the
 * tests' and benchmarks' node processes).
 *
 * `--max-semi-space-size=8`: on a 24 GiB machine Node 24 lets V8's young generation grow to
 * about 130 MB, and a node moving data at full speed allocates enough to reach it, all of it
 * resident. 8 MB semi-spaces cap it near 17 MB. `npm run bench:transfer`, 1 GiB from one
 * provider: the fetcher's peak RSS fell from 295 to 260 MB at the same speed (92–95 MB/s).
 */
export const NODE_RUNTIME_FLAGS = ['--max-semi-space-size=8']
