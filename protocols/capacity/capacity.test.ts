import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { loadOrCreatePeerKey } from '../../node/data-dir.js'
import type { RynusNode } from '../../node/rynus-node.js'
import {
  dialAddress,
  removeTempDirs,
  routingTableSize,
  startTestNode,
  waitFor
} from '../../simulations/e2e/harness.js'
import { silentLogger } from '../common/logger.js'
import { CapabilityProvider, findCapabilityProviders } from './capability.js'
import { CapacityPublisher, lookupCapacity } from './capacity.js'
import { sampleCapacity } from './test-fixtures.js'

describe('capacity in the DHT of three real nodes', () => {
  const nodes: RynusNode[] = []
  const started: Array<{ stop(): void }> = []

  before(async () => {
    nodes.push(await startTestNode({ bare: true }))
    nodes.push(await startTestNode({ bare: true, bootstrap: [dialAddress(nodes[0])] }))
    nodes.push(await startTestNode({ bare: true, bootstrap: [dialAddress(nodes[0])] }))
    assert.ok(
      await waitFor(() => nodes.every((n) => routingTableSize(n) >= 2)),
      'every node knows the other two'
    )
  })

  after(async () => {
    for (const s of started) s.stop()
    await Promise.all(nodes.map((n) => n.stop()))
    await removeTempDirs()
  })

  it('a record published by one worker is read and checked by another node', async () => {
    const [, worker, requester] = nodes
    const record = sampleCapacity({ freeSlots: 3 })
    const publisher = new CapacityPublisher(
      { record: () => record },
      {
        privateKey: await loadOrCreatePeerKey(worker.dataDir),
        peerId: worker.peerId,
        dht: worker.libp2p.services.dht,
        logger: silentLogger
      }
    )
    started.push(publisher)
    assert.equal(await publisher.publishNow(), true)
    const found = await lookupCapacity(requester.libp2p.services.dht, worker.peerId)
    assert.ok(found !== undefined, 'the record is found')
    assert.deepEqual(found.record, record)
    assert.equal(found.peerId, worker.peerId.toString())
    assert.ok(found.expiresAt > Date.now())
    assert.equal(
      await lookupCapacity(requester.libp2p.services.dht, nodes[0].peerId, { timeoutMs: 3_000 }),
      undefined
    )
  })

  it('two workers provide a capability key and a third node finds both', async () => {
    const key = 'render:blender-3.4:cycles-cpu'
    for (const worker of nodes.slice(0, 2)) {
      const provider = new CapabilityProvider({}, { dht: worker.libp2p.services.dht, logger: silentLogger })
      provider.start()
      started.push(provider)
      assert.equal(await provider.update([key, 'render']), true)
    }
    const found = await findCapabilityProviders(nodes[2].libp2p.contentRouting, key)
    assert.deepEqual(
      found.map((p) => p.peerId).sort(),
      nodes
        .slice(0, 2)
        .map((n) => n.peerId.toString())
        .sort()
    )
    assert.deepEqual(
      await findCapabilityProviders(nodes[2].libp2p.contentRouting, 'gpu:none-such', { timeoutMs: 3_000 }),
      []
    )
  })
})
