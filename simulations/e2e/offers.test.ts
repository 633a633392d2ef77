import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { generateKeyPair } from '@libp2p/crypto/keys'
import { type GossipSub, gossipsub, type Message } from '@libp2p/gossipsub'
import { PublishConfigType } from '@libp2p/gossipsub/types'
import { identify } from '@libp2p/identify'
import type { Libp2p, PeerId } from '@libp2p/interface'
import { noise } from '@libp2p/noise'
import { tcp } from '@libp2p/tcp'
import { yamux } from '@libp2p/yamux'
import { multiaddr } from '@multiformats/multiaddr'
import { createLibp2p } from 'libp2p'
import { sha256 } from 'multiformats/hashes/sha2'
import { writer } from 'protons-runtime'
import { equals } from 'uint8arrays'
import type { RynusNode } from '../../node/rynus-node.js'
import { silentLogger } from '../../protocols/common/logger.js'
import { SAMPLE_JOB_ID } from '../../protocols/market/test-fixtures.js'
import {
  encodeOffer,
  type JobOffer,
  MAX_OFFER_BYTES,
  OFFERS_TOPIC,
  OfferBoard
} from '../../protocols/offers/index.js'
import { sampleOffer } from '../../protocols/offers/test-fixtures.js'
import { dialAddress, removeTempDirs, startTestNode, waitFor } from './harness.js'

const JOB_B = 'bagaaierasords4njcts6vs7qvdjfcvgnume4hqohf65zsfguprqphs3icwea'

/** gossipsub's runtime object has these; its exported interface does not list them. */
type ScoredGossipSub = GossipSub & { getScore(peerId: string): number; getMeshPeers(topic: string): string[] }

function pubsubOf(node: RynusNode): ScoredGossipSub {
  return node.libp2p.services.pubsub as ScoredGossipSub
}

/** A plain gossipsub peer with no validator, reachable only through `via`: it sees whatever `via` forwards. */
async function startObserver(
  via: RynusNode
): Promise<{ node: Libp2p<{ pubsub: GossipSub }>; seen: Message[] }> {
  const node = await createLibp2p({
    addresses: { listen: ['/ip4/127.0.0.1/tcp/0'] },
    transports: [tcp()],
    connectionEncrypters: [noise()],
    streamMuxers: [yamux()],
    connectionGater: {
      denyDialPeer: (peer: PeerId) => !peer.equals(via.peerId),
      denyInboundEncryptedConnection: (peer: PeerId) => !peer.equals(via.peerId)
    },
    services: {
      identify: identify(),
      pubsub: gossipsub({ globalSignaturePolicy: 'StrictSign', allowPublishToZeroTopicPeers: true })
    }
  })
  const seen: Message[] = []
  node.services.pubsub.addEventListener('message', (evt) => {
    if (evt.detail.topic === OFFERS_TOPIC) seen.push(evt.detail)
  })
  node.services.pubsub.subscribe(OFFERS_TOPIC)
  await node.dial(multiaddr(dialAddress(via)))
  return { node, seen }
}

/** What a broken or malicious gossipsub peer sends: no signature at all, or one by another key. */
async function publishBroken(pubsub: GossipSub, data: Uint8Array, how: 'unsigned' | 'forged'): Promise<void> {
  const inner = pubsub as unknown as { publishConfig: Record<string, unknown>; msgIdFn: unknown }
  const { publishConfig, msgIdFn } = inner
  try {
    if (how === 'unsigned') {
      inner.publishConfig = { type: PublishConfigType.Anonymous }
      inner.msgIdFn = async (msg: Message) => sha256.encode(msg.data)
    } else {
      inner.publishConfig = { ...publishConfig, privateKey: await generateKeyPair('Ed25519') }
    }
    await pubsub.publish(OFFERS_TOPIC, data)
  } finally {
    inner.publishConfig = publishConfig
    inner.msgIdFn = msgIdFn
  }
}

/** A valid offer followed by `extra` bytes of an unknown field: well-formed, but too big. */
function oversized(offer: JobOffer): Uint8Array {
  const w = writer()
  w.uint32((20 << 3) | 2)
  w.bytes(new Uint8Array(MAX_OFFER_BYTES))
  return new Uint8Array([...encodeOffer(offer), ...w.finish()])
}

describe('job offers over gossip: A publishes; B and D validate; C sits behind B only', () => {
  let a: RynusNode
  let b: RynusNode
  let d: RynusNode
  let observer: Awaited<ReturnType<typeof startObserver>>
  const boards = new Map<string, OfferBoard>()
  const got = new Map<string, Array<{ offer: JobOffer; from: string }>>()

  before(async () => {
    b = await startTestNode({ bare: true })
    a = await startTestNode({ bare: true, bootstrap: [dialAddress(b)] })
    d = await startTestNode({ bare: true, bootstrap: [dialAddress(b)] })
    for (const [name, node] of [
      ['a', a],
      ['b', b],
      ['d', d]
    ] as const) {
      const board = new OfferBoard({}, { libp2p: node.libp2p, logger: silentLogger })
      board.start()
      got.set(name, [])
      board.onOffer((offer, from) => got.get(name)?.push({ offer, from }))
      boards.set(name, board)
    }
    observer = await startObserver(b)
    // mesh peers have open gossip streams both ways, so every publish below reaches them
    const ready = await waitFor(() => {
      const meshA = pubsubOf(a).getMeshPeers(OFFERS_TOPIC)
      const meshB = pubsubOf(b).getMeshPeers(OFFERS_TOPIC)
      return (
        meshA.includes(b.peerId.toString()) &&
        meshA.includes(d.peerId.toString()) &&
        meshB.includes(observer.node.peerId.toString())
      )
    })
    assert.ok(ready, 'B and D are in A’s mesh, and C is in B’s mesh')
    assert.equal(a.libp2p.getConnections(observer.node.peerId).length, 0, 'C has no connection to A')
  })

  after(async () => {
    for (const board of boards.values()) board.stop()
    await observer.node.stop()
    await Promise.all([a.stop(), d.stop()])
    await b.stop()
    await removeTempDirs()
  })

  it('a valid offer reaches every other node, and C through B', async () => {
    const offer = sampleOffer()
    assert.equal(await boards.get('a')!.publish(offer), 2, 'A sends it to B and D')
    assert.ok(
      await waitFor(
        () => got.get('b')!.length === 1 && got.get('d')!.length === 1 && observer.seen.length === 1
      )
    )
    for (const name of ['b', 'd']) assert.deepEqual(got.get(name), [{ offer, from: a.peerId.toString() }])
    assert.equal(got.get('a')!.length, 0, 'the publisher does not get its own offer')
    assert.ok(equals(observer.seen[0].data, encodeOffer(offer)))
  })

  it('unsigned, forged, malformed, oversized, expired and replayed offers reach no one; the sender is penalised', async () => {
    const pubsubA = a.libp2p.services.pubsub
    const scoreAtB = (): number => pubsubOf(b).getScore(a.peerId.toString())
    assert.ok(scoreAtB() >= 0, 'A starts in good standing at B')

    // rejected by gossipsub's StrictSign check, before any validator runs
    await publishBroken(pubsubA, encodeOffer(sampleOffer({ jobId: JOB_B })), 'unsigned')
    await publishBroken(pubsubA, encodeOffer(sampleOffer({ jobId: JOB_B })), 'forged')
    assert.ok(await waitFor(() => scoreAtB() < 0), `A's score at B drops below 0 (is ${scoreAtB()})`)

    // rejected by the offer validator
    await pubsubA.publish(OFFERS_TOPIC, new TextEncoder().encode('not a JobOffer at all'))
    await pubsubA.publish(OFFERS_TOPIC, oversized(sampleOffer({ jobId: JOB_B })))
    // ignored by the offer validator: stale, and the first offer again
    await pubsubA.publish(OFFERS_TOPIC, encodeOffer(sampleOffer({ jobId: JOB_B }, Date.now() - 20 * 60_000)))
    await pubsubA.publish(OFFERS_TOPIC, observer.seen[0].data)

    const expected = {
      accepted: 1,
      rejected: { ERR_OFFER_MALFORMED: 1, ERR_OFFER_TOO_LARGE: 1 },
      ignored: { ERR_OFFER_EXPIRED: 1, ERR_OFFER_DUPLICATE: 1 }
    }
    assert.ok(
      await waitFor(() => JSON.stringify(boards.get('b')!.stats()) === JSON.stringify(expected)),
      `B judged each one (${JSON.stringify(boards.get('b')!.stats())})`
    )
    assert.ok(
      await waitFor(() => JSON.stringify(boards.get('d')!.stats()) === JSON.stringify(expected)),
      'so did D'
    )

    // a valid offer sent after them all arrives everywhere: anything forwarded earlier would have too
    const last = sampleOffer({ jobId: JOB_B })
    await boards.get('a')!.publish(last)
    assert.ok(
      await waitFor(
        () => got.get('b')!.length === 2 && got.get('d')!.length === 2 && observer.seen.length === 2
      )
    )
    assert.deepEqual(
      got.get('b')!.map((g) => g.offer.jobId),
      [SAMPLE_JOB_ID, JOB_B]
    )
    assert.deepEqual(got.get('d')!.at(-1)?.offer, last)
    assert.ok(equals(observer.seen[1].data, encodeOffer(last)), 'C saw only the two valid offers')

    const score = scoreAtB()
    assert.ok(score < 0, `A's score at B stays negative (${score})`)
    assert.ok(
      pubsubOf(b).getScore(d.peerId.toString()) >= 0,
      'D, which forwarded nothing bad, is not penalised'
    )
  })
})
