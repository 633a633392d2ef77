import assert from 'node:assert/strict'
import { randomBytes } from 'node:crypto'
import { after, before, describe, it } from 'node:test'
import type { PeerId } from '@libp2p/interface'
import { multiaddr } from '@multiformats/multiaddr'
import { fromString, toString as uint8ArrayToString } from 'uint8arrays'
import type { RynusNode } from '../../node/rynus-node.js'
import { recordKey, verifyRecord } from '../../protocols/dht-record/record.js'
import {
  expectedReport,
  readReport,
  receiveAndReport,
  sendBytes,
  TRANSFER_PROTOCOL,
  type TransferReport
} from '../lib/transfer.js'
import {
  dialAddress,
  removeTempDirs,
  routingTableSize,
  startTestNode,
  tempDataDir,
  waitFor
} from './harness.js'

const TEST_TOPIC = 'rynus/test-chat/1'

async function findPeerViaDht(from: RynusNode, target: PeerId): Promise<string[]> {
  for await (const event of from.libp2p.services.dht.findPeer(target, {
    signal: AbortSignal.timeout(10_000)
  })) {
    if (event.name === 'FINAL_PEER') return event.peer.multiaddrs.map((a) => a.toString())
  }
  return []
}

async function getViaDht(from: RynusNode, key: Uint8Array): Promise<Uint8Array | undefined> {
  for await (const event of from.libp2p.services.dht.get(key, { signal: AbortSignal.timeout(10_000) })) {
    if (event.name === 'VALUE') return event.value
  }
  return undefined
}

describe('a network of five nodes around one super-peer', () => {
  let superPeer: RynusNode
  const nodes: RynusNode[] = []

  before(async () => {
    superPeer = await startTestNode({ roles: ['super-peer'], extraTopics: [TEST_TOPIC] })
    for (let i = 0; i < 5; i++) {
      nodes.push(await startTestNode({ bootstrap: [dialAddress(superPeer)], extraTopics: [TEST_TOPIC] }))
    }
    const joined = await waitFor(() =>
      nodes.every((n) => n.libp2p.getConnections(superPeer.peerId).length > 0 && routingTableSize(n) > 0)
    )
    assert.ok(joined, 'every node connected to the super-peer and has it in its DHT routing table')
  })

  after(async () => {
    await Promise.all(nodes.map((n) => n.stop()))
    await superPeer.stop()
    await removeTempDirs()
  })

  it('every node finds every other node through the DHT', async () => {
    for (const from of nodes) {
      for (const to of nodes) {
        if (from === to) continue
        const addrs = await findPeerViaDht(from, to.peerId)
        const expected = dialAddress(to).split('/p2p/')[0]
        assert.ok(
          addrs.some((a) => a.startsWith(expected)),
          `${from.peerId} found ${to.peerId} at ${expected} (got ${addrs.join(', ')})`
        )
      }
    }
  })

  it('a record put by one node is read by a node with no connection to it', async () => {
    const writer = await startTestNode({ bootstrap: [dialAddress(superPeer)] })
    assert.ok(await waitFor(() => routingTableSize(writer) >= 3), 'writer joined the DHT')
    await writer.putRecord('note', fromString('hello from the writer'), 60_000)
    await writer.stop()
    const key = recordKey('note', writer.peerId)

    const reader = nodes[4]
    assert.equal(
      reader.libp2p.getConnections(writer.peerId).length,
      0,
      'reader has no connection to the writer'
    )
    const found = await getViaDht(reader, key)
    assert.ok(found !== undefined, 'the record is found in the DHT')
    const record = await verifyRecord(key, found)
    assert.equal(uint8ArrayToString(record.payload), 'hello from the writer')

    // the writer's own profile (published at start) says what it is
    const profile = await reader.lookupProfile(writer.peerId)
    assert.deepEqual(profile?.roles, ['worker', 'requester'])
  })

  it('a gossip message from one node reaches every other node', async () => {
    const everyone = [superPeer, ...nodes]
    const received = new Map<string, string>()
    for (const n of everyone) {
      n.libp2p.services.pubsub.subscribe(TEST_TOPIC)
      n.libp2p.services.pubsub.addEventListener('message', (evt) => {
        if (evt.detail.topic === TEST_TOPIC)
          received.set(n.peerId.toString(), uint8ArrayToString(evt.detail.data))
      })
    }
    const meshReady = await waitFor(() =>
      everyone.every((n) => n.libp2p.services.pubsub.getSubscribers(TEST_TOPIC).length > 0)
    )
    assert.ok(meshReady, 'every node sees subscribers for the topic')
    await nodes[0].libp2p.services.pubsub.publish(TEST_TOPIC, fromString('offer #1'))
    const allGot = await waitFor(() => received.size === everyone.length - 1)
    assert.equal(received.size, everyone.length - 1, 'all other nodes got the message')
    assert.ok(allGot)
    for (const text of received.values()) assert.equal(text, 'offer #1')
    assert.equal(
      received.has(nodes[0].peerId.toString()),
      false,
      'the publisher does not receive its own message'
    )
  })
})

describe('two nodes without a direct path', () => {
  let superPeer: RynusNode
  let hidden: RynusNode
  let dialer: RynusNode

  before(async () => {
    superPeer = await startTestNode({ roles: ['super-peer'] })
    // neither listens on any direct address: like two peers behind NATs
    hidden = await startTestNode({ listen: [], bootstrap: [dialAddress(superPeer)] })
    dialer = await startTestNode({ listen: [], bootstrap: [dialAddress(superPeer)] })
  })

  after(async () => {
    await Promise.all([hidden.stop(), dialer.stop()])
    await superPeer.stop()
    await removeTempDirs()
  })

  it('exchange a 10 MiB stream through the super-peer relay, intact', async () => {
    const reserved = await waitFor(() =>
      hidden.libp2p.getMultiaddrs().some((a) => a.toString().includes('/p2p-circuit'))
    )
    assert.ok(reserved, 'the hidden node got a relay reservation')
    assert.equal(
      hidden.libp2p.getMultiaddrs().filter((a) => !a.toString().includes('/p2p-circuit')).length,
      0,
      'the hidden node has no direct address'
    )

    const got: TransferReport[] = []
    await hidden.libp2p.handle(
      TRANSFER_PROTOCOL,
      async (stream) => {
        got.push(await receiveAndReport(stream))
      },
      { runOnLimitedConnection: true }
    )
    const relayAddr = hidden.libp2p.getMultiaddrs().find((a) => a.toString().includes('/p2p-circuit'))!
    // by peer id: a relayed connection the node's own services already opened is reused
    await dialer.libp2p.peerStore.merge(hidden.peerId, { multiaddrs: [multiaddr(relayAddr.toString())] })
    // two relayed dials racing (ours and one a node service started) can abort one another
    // while the first connection is set up; a second attempt finds the connection that won
    let stream: Awaited<ReturnType<typeof dialer.libp2p.dialProtocol>> | undefined
    for (let attempt = 1; stream === undefined; attempt++) {
      try {
        stream = await dialer.libp2p.dialProtocol(hidden.peerId, TRANSFER_PROTOCOL, {
          runOnLimitedConnection: true,
          signal: AbortSignal.timeout(30_000)
        })
      } catch (err) {
        if (attempt >= 3) throw err
        await new Promise((r) => setTimeout(r, 500))
      }
    }
    const conn = dialer.libp2p.getConnections(hidden.peerId)[0]
    assert.ok(conn.remoteAddr.toString().includes('/p2p-circuit'), 'the connection runs through the relay')

    const source = randomBytes(1024 * 1024 + 7)
    const total = 10 * 1024 * 1024
    await sendBytes(stream, source, total)
    const report = await readReport(stream)
    assert.deepEqual(report, expectedReport(source, total), 'the receiver got every byte in order')
    assert.deepEqual(got[0], report)
  })
})

describe('a restarted node', () => {
  after(removeTempDirs)

  it('keeps its peer id and rejoins the network', async () => {
    const superPeer = await startTestNode({ roles: ['super-peer'] })
    const other = await startTestNode({ bootstrap: [dialAddress(superPeer)] })
    const dataDir = await tempDataDir()
    const first = await startTestNode({ dataDir, bootstrap: [dialAddress(superPeer)] })
    const id = first.peerId.toString()
    assert.ok(await waitFor(() => first.libp2p.getConnections(superPeer.peerId).length > 0))
    await first.stop()

    const again = await startTestNode({ dataDir, bootstrap: [dialAddress(superPeer)] })
    assert.equal(again.peerId.toString(), id)
    assert.ok(await waitFor(() => again.libp2p.getConnections(superPeer.peerId).length > 0), 'reconnected')
    const addrs = await findPeerViaDht(other, again.peerId)
    assert.ok(addrs.length > 0, 'other peers find it again through the DHT')
    await Promise.all([again.stop(), other.stop()])
    await superPeer.stop()
  })
})
