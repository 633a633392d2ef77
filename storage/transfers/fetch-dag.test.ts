import assert from 'node:assert/strict'
import { randomBytes } from 'node:crypto'
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { afterEach, describe, it } from 'node:test'
import type { CID } from 'multiformats/cid'
import { CHUNK_SIZE_BYTES } from '../files/constants.js'
import { exportToFile, importBytes } from '../files/index.js'
import { exchangeOf } from './block-exchange.js'
import { BAD_PEER_TAG, FETCH_WINDOW_BLOCKS } from './constants.js'
import { fetchDag } from './fetch-dag.js'
import type { FetchProgress } from './progress.js'
import { type BlocksNode, paceReads, startBlocksNode, warningsLogger } from './testing.js'

const MiB = 1024 * 1024

async function connect(from: BlocksNode, to: BlocksNode): Promise<void> {
  await from.libp2p.dial(to.libp2p.getMultiaddrs()[0])
}

/** Starts `n` providers that all hold `data`; returns them and the root CID. */
async function providers(n: number, data: Uint8Array): Promise<{ nodes: BlocksNode[]; cid: string }> {
  const nodes = await Promise.all(Array.from({ length: n }, () => startBlocksNode()))
  const cids = await Promise.all(nodes.map(async (p) => (await importBytes(p.helia, data)).cid))
  assert.equal(new Set(cids).size, 1, 'the same bytes give the same CID everywhere')
  return { nodes, cid: cids[0] }
}

describe('fetchDag between nodes on loopback', () => {
  const started: BlocksNode[] = []
  afterEach(async () => {
    await Promise.all(started.splice(0).map((n) => n.remove()))
  })

  it('reports progress (bytes, blocks, rate, ETA) and leaves every block stored for an offline export', async () => {
    const data = randomBytes(12 * MiB + 5)
    const { nodes, cid } = await providers(1, data)
    const fetcher = await startBlocksNode()
    started.push(...nodes, fetcher)
    await connect(fetcher, nodes[0])

    const seen: FetchProgress[] = []
    const result = await fetchDag(fetcher.helia, cid, { onProgress: (p) => seen.push(p) })
    assert.equal(result.bytes, data.byteLength)
    assert.equal(result.blocks, 14, 'root and 13 leaves')
    assert.equal(result.fetchedBlocks, 14)
    const last = seen.at(-1)!
    assert.equal(last.bytes, data.byteLength)
    assert.equal(last.totalBytes, data.byteLength)
    assert.ok(last.rateBytesPerSec > 0)
    assert.equal(last.etaMs, 0)
    assert.ok(seen.some((p) => p.bytes > 0 && p.bytes < data.byteLength && p.etaMs !== undefined))
    for (let i = 1; i < seen.length; i++) assert.ok(seen[i].bytes >= seen[i - 1].bytes, 'bytes never go back')

    const dest = join(fetcher.dir, 'out.bin')
    await exportToFile(fetcher.helia, cid, dest, { offline: true })
    assert.ok(data.equals(await readFile(dest)))

    const again = await fetchDag(fetcher.helia, cid)
    assert.equal(again.fetchedBlocks, 0, 'a second fetch asks the network for nothing')
    assert.equal(again.bytes, data.byteLength)
  })

  it('completes from the other providers when the one serving stops mid-transfer', async () => {
    const data = randomBytes(48 * MiB)
    const { nodes, cid } = await providers(3, data)
    // unpaced: each provider's reads are only counted, to know which one is serving
    const reads = nodes.map((p) => paceReads(p.helia.blockstore, Number.POSITIVE_INFINITY))
    const fetcher = await startBlocksNode()
    started.push(...nodes, fetcher)
    for (const p of nodes) await connect(fetcher, p)

    let stopping: Promise<void> | undefined
    let gone: BlocksNode | undefined
    const result = await fetchDag(fetcher.helia, cid, {
      onProgress: (p) => {
        if (stopping !== undefined || p.fetchedBytes < 12 * MiB) return
        const busiest = reads.indexOf(reads.reduce((a, b) => (b.bytes > a.bytes ? b : a)))
        gone = nodes[busiest]
        stopping = gone.stop()
      }
    })
    await stopping
    assert.ok(gone !== undefined, 'a provider was stopped mid-transfer')
    assert.equal(result.bytes, data.byteLength)
    const goneId = gone.libp2p.peerId.toString()
    assert.ok(
      (result.sources[goneId] ?? 0) >= 12 * MiB * 0.5,
      'the stopped provider had served much of the start'
    )
    const rest = Object.entries(result.sources).filter(([id]) => id !== goneId)
    assert.ok(
      rest.reduce((n, [, bytes]) => n + bytes, 0) >= 16 * MiB,
      'the providers still running sent the rest'
    )
    const dest = join(fetcher.dir, 'out.bin')
    await exportToFile(fetcher.helia, cid, dest, { offline: true })
    assert.ok(data.equals(await readFile(dest)), 'byte-equal after a provider went away')
  })

  it('asks more providers when each sends slower than the fetcher takes', async () => {
    const data = randomBytes(120 * MiB)
    const { nodes, cid } = await providers(3, data)
    // 15 MB/s each: a home uplink, not this machine's loopback
    for (const p of nodes) paceReads(p.helia.blockstore, 15_000)
    const fetcher = await startBlocksNode()
    started.push(...nodes, fetcher)
    for (const p of nodes) await connect(fetcher, p)

    const began = performance.now()
    const result = await fetchDag(fetcher.helia, cid)
    const seconds = (performance.now() - began) / 1000
    assert.equal(result.bytes, data.byteLength)
    const served = nodes.map((p) => result.sources[p.libp2p.peerId.toString()] ?? 0)
    assert.ok(
      served.every((bytes) => bytes >= 8 * MiB),
      `every provider sent a good share (MiB: ${served.map((b) => (b / MiB).toFixed(0)).join(', ')}; ${seconds.toFixed(1)} s)`
    )
  })

  it('bans a provider that serves bytes not matching their CID and takes the block from another', async () => {
    const data = randomBytes(24 * MiB)
    const { nodes, cid } = await providers(2, data)
    const [liar, honest] = nodes
    // the liar's store answers every other leaf with flipped bytes
    const leaves = await leafCids(honest, cid)
    const corrupt = new Set(leaves.filter((_, i) => i % 2 === 0).map(String))
    const store = liar.helia.blockstore
    const get = store.get.bind(store)
    store.get = async function* (c: CID, options) {
      for await (const part of get(c, options)) {
        if (!corrupt.has(c.toString())) yield part
        else yield Uint8Array.from(part, (b) => b ^ 0xff)
      }
    } as typeof store.get
    const log = warningsLogger()
    const fetcher = await startBlocksNode({ logger: log })
    started.push(...nodes, fetcher)
    // the liar first, so it is the provider the fetch starts with; the honest one is found
    // while the fetch runs
    await connect(fetcher, liar)
    const fetching = fetchDag(fetcher.helia, cid)
    await connect(fetcher, honest)
    const result = await fetching
    assert.equal(result.bytes, data.byteLength)
    const dest = join(fetcher.dir, 'out.bin')
    await exportToFile(fetcher.helia, cid, dest, { offline: true })
    assert.ok(data.equals(await readFile(dest)), 'every block is the right one')

    const liarId = liar.libp2p.peerId
    assert.ok(exchangeOf(fetcher.helia).isBanned(liarId), 'the liar is banned')
    assert.ok(
      log.warnings.some(
        (w) => w.message.includes('do not match') && JSON.stringify(w.fields).includes(String(liarId))
      ),
      'the ban is logged with the peer'
    )
    const peer = await fetcher.libp2p.peerStore.get(liarId)
    assert.ok(peer.tags.has(BAD_PEER_TAG), 'the peer store tags it')
    assert.ok(
      (result.sources[honest.libp2p.peerId.toString()] ?? 0) >= (corrupt.size * CHUNK_SIZE_BYTES) / 2,
      'the honest provider sent the blocks the liar spoiled'
    )

    // a later fetch does not ask it again, even when connected
    await connect(fetcher, liar).catch(() => {})
    const other = randomBytes(3 * MiB)
    const { cid: second } = await importBytes(liar.helia, other)
    await importBytes(honest.helia, other)
    const next = await fetchDag(fetcher.helia, second)
    assert.deepEqual(Object.keys(next.sources), [honest.libp2p.peerId.toString()])
  })

  it('holds at most FETCH_WINDOW_BLOCKS blocks in memory when the disk is slower than the network', async () => {
    const data = randomBytes(80 * MiB)
    const { nodes, cid } = await providers(1, data)
    const fetcher = await startBlocksNode()
    started.push(...nodes, fetcher)
    await connect(fetcher, nodes[0])
    // a slow disk: one write at a time, 15 ms each (about 70 MB/s)
    let tail = Promise.resolve()
    let waiting = 0
    let mostWaiting = 0
    const result = await fetchDag(fetcher.helia, cid, {
      onContent: () => {
        waiting++
        mostWaiting = Math.max(mostWaiting, waiting)
        tail = tail.then(async () => {
          await new Promise((r) => setTimeout(r, 15))
          waiting--
        })
        return tail
      }
    })
    assert.equal(result.bytes, data.byteLength)
    assert.ok(mostWaiting <= FETCH_WINDOW_BLOCKS, `${mostWaiting} blocks waited for the disk at once`)
    assert.ok(mostWaiting >= FETCH_WINDOW_BLOCKS / 2, 'the window was used')
  })
})

/** The leaf CIDs of a UnixFS file (one level of links under the root). */
async function leafCids(node: BlocksNode, root: string): Promise<CID[]> {
  const { decodeDagNode } = await import('./dag.js')
  const { parseCid } = await import('../files/cid.js')
  const cid = parseCid(root)
  const parts: Uint8Array[] = []
  for await (const p of node.helia.blockstore.get(cid, { offline: true })) parts.push(p)
  return decodeDagNode(cid, Buffer.concat(parts)).links.map((l) => l.cid)
}
