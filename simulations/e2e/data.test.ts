import assert from 'node:assert/strict'
import { randomBytes } from 'node:crypto'
import { readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { multiaddr } from '@multiformats/multiaddr'
import { CID } from 'multiformats/cid'
import type { RynusNode } from '../../node/rynus-node.js'
import { silentLogger } from '../../protocols/common/logger.js'
import { createNodeHelia, type NodeHelia } from '../../storage/blocks/index.js'
import { exportToFile, hasAll, importFile } from '../../storage/files/index.js'
import {
  dialAddress,
  removeTempDirs,
  routingTableSize,
  startTestNode,
  tempDataDir,
  waitFor
} from './harness.js'

const MiB = 1024 * 1024

/** A Rynus node with helia on its libp2p, as the executor will run it. */
interface DataNode {
  node: RynusNode
  data: NodeHelia
}

async function withHelia(node: RynusNode): Promise<DataNode> {
  return {
    node,
    data: await createNodeHelia({ libp2p: node.libp2p, dataDir: node.dataDir, logger: silentLogger })
  }
}

async function stopAll(nodes: DataNode[]): Promise<void> {
  await Promise.all(nodes.map((n) => n.data.stop()))
  await Promise.all(nodes.map((n) => n.node.stop()))
}

async function randomFile(bytes: number): Promise<{ path: string; data: Buffer }> {
  const dir = await tempDataDir()
  const data = randomBytes(bytes)
  const path = join(dir, 'scene.blend')
  await writeFile(path, data)
  return { path, data }
}

function mbPerSecond(bytes: number, ms: number): string {
  return (bytes / 1e6 / (ms / 1000)).toFixed(1)
}

describe('job data between two nodes over bitswap', () => {
  let a: DataNode
  let b: DataNode

  before(async () => {
    a = await withHelia(await startTestNode({ bare: true }))
    b = await withHelia(await startTestNode({ bare: true, bootstrap: [dialAddress(a.node)] }))
    assert.ok(await waitFor(() => b.node.libp2p.getConnections(a.node.peerId).length > 0), 'B connected to A')
  })

  after(async () => {
    await stopAll([b, a])
    await removeTempDirs()
  })

  it('a 20 MiB file imported on A is fetched by CID on B, byte-equal', async (t) => {
    const { path, data } = await randomFile(20 * MiB)
    const { cid, size } = await importFile(a.data.helia, path)
    assert.equal(size, data.byteLength)
    assert.equal(await hasAll(b.data.helia, cid), false, 'B starts without the data')

    const dest = join(b.node.dataDir, 'jobs', 'job-1', 'scene.blend')
    let lastProgress = 0
    const started = performance.now()
    const result = await exportToFile(b.data.helia, cid, dest, {
      timeoutMs: 30_000,
      onProgress: (p) => {
        lastProgress = p.bytes
      }
    })
    const ms = performance.now() - started
    t.diagnostic(
      `direct fetch: ${data.byteLength} bytes in ${ms.toFixed(0)} ms = ${mbPerSecond(data.byteLength, ms)} MB/s`
    )

    assert.deepEqual(result, { cid, size: data.byteLength })
    assert.equal(lastProgress, data.byteLength)
    assert.ok(data.equals(await readFile(dest)), 'B wrote exactly the bytes A imported')
    assert.equal(await hasAll(b.data.helia, cid), true, 'B now stores every block and can serve them in turn')
  })
})

describe('job data found through the Rynus DHT', () => {
  let superPeer: RynusNode
  let a: DataNode
  let c: DataNode

  before(async () => {
    superPeer = await startTestNode({ bare: true, roles: ['super-peer'] })
    a = await withHelia(await startTestNode({ bare: true, bootstrap: [dialAddress(superPeer)] }))
    c = await withHelia(await startTestNode({ bare: true, bootstrap: [dialAddress(superPeer)] }))
    assert.ok(
      await waitFor(() => routingTableSize(a.node) > 0 && routingTableSize(c.node) > 0),
      'both joined the DHT'
    )
  })

  after(async () => {
    await stopAll([c, a])
    await superPeer.stop()
    await removeTempDirs()
  })

  it('A announces a CID in the Rynus DHT; C, not connected to A, finds A as its provider and fetches', async () => {
    const { path, data } = await randomFile(4 * MiB + 3)
    const { cid } = await importFile(a.data.helia, path)
    const root = CID.parse(cid)
    await a.data.helia.routing.provide(root, { signal: AbortSignal.timeout(10_000) })
    await Promise.all([a.node.libp2p.hangUp(c.node.peerId), c.node.libp2p.hangUp(a.node.peerId)])
    assert.ok(
      await waitFor(() => c.node.libp2p.getConnections(a.node.peerId).length === 0),
      'C is not connected to A'
    )

    const providers: string[] = []
    for await (const p of c.data.helia.routing.findProviders(root, { signal: AbortSignal.timeout(10_000) })) {
      providers.push(p.id.toString())
      if (providers.includes(a.node.peerId.toCID().toString())) break
    }
    assert.ok(providers.includes(a.node.peerId.toCID().toString()), 'the DHT names A as a provider')

    const dest = join(c.node.dataDir, 'fetched.blend')
    await exportToFile(c.data.helia, cid, dest, { timeoutMs: 30_000 })
    assert.ok(data.equals(await readFile(dest)))
  })
})

describe('job data through a super-peer relay', () => {
  let superPeer: RynusNode
  let hidden: DataNode
  let dialer: DataNode

  before(async () => {
    superPeer = await startTestNode({ bare: true, roles: ['super-peer'] })
    // neither listens on a direct address: like two peers behind NATs
    hidden = await withHelia(
      await startTestNode({ bare: true, listen: [], bootstrap: [dialAddress(superPeer)] })
    )
    dialer = await withHelia(
      await startTestNode({ bare: true, listen: [], bootstrap: [dialAddress(superPeer)] })
    )
  })

  after(async () => {
    await stopAll([hidden, dialer])
    await superPeer.stop()
    await removeTempDirs()
  })

  it('a 20 MiB file moves over bitswap on the relayed (limited) connection, byte-equal', async (t) => {
    const reserved = await waitFor(() =>
      hidden.node.libp2p.getMultiaddrs().some((a) => a.toString().includes('/p2p-circuit'))
    )
    assert.ok(reserved, 'the hidden node got a relay reservation')
    const { path, data } = await randomFile(20 * MiB)
    const { cid } = await importFile(hidden.data.helia, path)

    const relayAddr = hidden.node.libp2p.getMultiaddrs().find((a) => a.toString().includes('/p2p-circuit'))!
    const conn = await dialer.node.libp2p.dial(multiaddr(relayAddr.toString()), {
      signal: AbortSignal.timeout(15_000)
    })
    assert.ok(conn.remoteAddr.toString().includes('/p2p-circuit'), 'the only path runs through the relay')
    assert.ok(conn.limits !== undefined, 'the relayed connection is limited')

    const dest = join(dialer.node.dataDir, 'scene.blend')
    const started = performance.now()
    await exportToFile(dialer.data.helia, cid, dest, { timeoutMs: 30_000 })
    const ms = performance.now() - started
    t.diagnostic(
      `relayed fetch: ${data.byteLength} bytes in ${ms.toFixed(0)} ms = ${mbPerSecond(data.byteLength, ms)} MB/s`
    )
    assert.ok(data.equals(await readFile(dest)), 'the dialer wrote exactly the hidden node bytes')
    assert.ok(
      dialer.node.libp2p
        .getConnections(hidden.node.peerId)
        .every((c) => c.remoteAddr.toString().includes('/p2p-circuit')),
      'no direct connection was made'
    )
  })
})
