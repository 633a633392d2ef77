import { multiaddr } from '@multiformats/multiaddr'
import { fetchDag } from './fetch-dag.js'
import { startBlocksNode } from './testing.js'

/**
 * A fetching process for the resume test: `node testing-child.js <dataDir> <providerAddr> <cid>`
 * fetches the CID into the data dir's blockstore, sending every progress report and then the
 * result to its parent, which may SIGKILL it mid-way.
 */
const [dir, provider, cid] = process.argv.slice(2)
const node = await startBlocksNode({ dir })
await node.libp2p.dial(multiaddr(provider))
const result = await fetchDag(node.helia, cid, { onProgress: (p) => process.send?.({ progress: p }) })
process.send?.({ result })
await node.stop()
process.disconnect?.()
