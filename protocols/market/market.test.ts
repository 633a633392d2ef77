import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { generateKeyPair } from '@libp2p/crypto/keys'
import type { PrivateKey, Stream } from '@libp2p/interface'
import { lpStream } from '@libp2p/utils'
import { loadOrCreatePeerKey } from '../../node/data-dir.js'
import type { RynusNode } from '../../node/rynus-node.js'
import { dialAddress, removeTempDirs, startTestNode, waitFor } from '../../simulations/e2e/harness.js'
import { silentLogger } from '../common/logger.js'
import { type Award, type Bid, decodeReply, encodeBid, encodeMarketRequest } from './codec.js'
import { MARKET_MAX_INBOUND_STREAMS, MARKET_PROTOCOL, MAX_MARKET_MESSAGE_BYTES } from './constants.js'
import { MarketService } from './market.js'
import { Bid as BidPb } from './pb/market.js'
import { sendRequest } from './request-stream.js'
import { sampleAward, sampleBid } from './test-fixtures.js'

const READ_TIMEOUT_MS = 400

/** Resolves when the stream is closed (by either side); reports how. */
function closed(stream: Stream): Promise<string> {
  if (stream.status !== 'open') return Promise.resolve(stream.status)
  return new Promise((resolve) =>
    stream.addEventListener('close', () => resolve(stream.status), { once: true })
  )
}

describe('market protocol between two real nodes', () => {
  let requester: RynusNode
  let worker: RynusNode
  let requesterMarket: MarketService
  let workerMarket: MarketService
  let workerKey: PrivateKey
  const bids: Array<{ bid: Bid; from: string }> = []
  const awards: Array<{ award: Award; from: string }> = []

  before(async () => {
    requester = await startTestNode({ bare: true })
    worker = await startTestNode({ bare: true, bootstrap: [dialAddress(requester)] })
    assert.ok(await waitFor(() => worker.libp2p.getConnections(requester.peerId).length > 0))
    workerKey = await loadOrCreatePeerKey(worker.dataDir)
    const requesterKey = await loadOrCreatePeerKey(requester.dataDir)
    requesterMarket = new MarketService(
      { readTimeoutMs: READ_TIMEOUT_MS, requestsPerPeerPerMinute: 12 },
      { libp2p: requester.libp2p, privateKey: requesterKey, logger: silentLogger }
    )
    workerMarket = new MarketService(
      {},
      { libp2p: worker.libp2p, privateKey: workerKey, logger: silentLogger }
    )
    await requesterMarket.start()
    await workerMarket.start()
    requesterMarket.onBid((bid, from) => {
      bids.push({ bid, from })
      return { accepted: true, reason: '' }
    })
    workerMarket.onAward((award, from) => {
      awards.push({ award, from })
      return {
        accepted: award.frames.length <= 10,
        reason: award.frames.length <= 10 ? '' : 'too many frames'
      }
    })
  })

  after(async () => {
    await requesterMarket.stop()
    await workerMarket.stop()
    await Promise.all([worker.stop(), requester.stop()])
    await removeTempDirs()
  })

  it('a bid reaches the requester with its signer, and the ack comes back', async () => {
    const bid = sampleBid()
    const ack = await workerMarket.sendBid(requester.peerId, bid)
    assert.deepEqual(ack, { accepted: true, reason: '' })
    assert.equal(bids.length, 1)
    assert.deepEqual(bids[0].bid, bid)
    assert.equal(bids[0].from, worker.peerId.toString())
  })

  it('an award reaches the worker and its accept or decline comes back', async () => {
    const award = sampleAward()
    assert.deepEqual(await requesterMarket.sendAward(worker.peerId.toString(), award), {
      accepted: true,
      reason: ''
    })
    assert.deepEqual(awards.at(-1)?.award, award)
    assert.equal(awards.at(-1)?.from, requester.peerId.toString())
    const big = sampleAward({ frames: Array.from({ length: 11 }, (_, i) => i) })
    assert.deepEqual(await requesterMarket.sendAward(worker.peerId, big), {
      accepted: false,
      reason: 'too many frames'
    })
  })

  it('a bid signed by another key than the connection peer is refused before the hook', async () => {
    const stranger = await generateKeyPair('Ed25519')
    const request = encodeMarketRequest({ kind: 'bid', bytes: await encodeBid(stranger, sampleBid()) })
    const before = bids.length
    const reply = decodeReply(
      await sendRequest(worker.libp2p, requester.peerId, MARKET_PROTOCOL, request, {
        maxReplyBytes: MAX_MARKET_MESSAGE_BYTES,
        timeoutMs: 5_000
      })
    )
    assert.equal(reply.accepted, false)
    assert.match(reply.reason, /^ERR_SIGNER_MISMATCH/)
    assert.equal(bids.length, before, 'the hook never saw it')
  })

  it('a tampered bid is refused before the hook', async () => {
    const pb = BidPb.decode(await encodeBid(workerKey, sampleBid()))
    const bytes = BidPb.encode({ ...pb, vramBytes: pb.vramBytes * 2 }) // signature kept
    const before = bids.length
    const reply = decodeReply(
      await sendRequest(
        worker.libp2p,
        requester.peerId,
        MARKET_PROTOCOL,
        encodeMarketRequest({ kind: 'bid', bytes }),
        {
          maxReplyBytes: MAX_MARKET_MESSAGE_BYTES,
          timeoutMs: 5_000
        }
      )
    )
    assert.deepEqual([reply.accepted, reply.reason.split(':')[0]], [false, 'ERR_BAD_SIGNATURE'])
    assert.equal(bids.length, before)
  })

  it('a sender that never finishes its message is cut off at the read timeout', async () => {
    const stream = await worker.libp2p.dialProtocol(requester.peerId, MARKET_PROTOCOL)
    stream.send(new Uint8Array([100, 1, 2, 3])) // announces 100 bytes, sends 3, then stalls
    const status = await Promise.race([
      closed(stream),
      new Promise<string>((r) => setTimeout(() => r('still open'), READ_TIMEOUT_MS * 10).unref())
    ])
    assert.notEqual(status, 'still open', 'the requester dropped the stalled stream')
    assert.equal(stream.status, 'reset')
  })

  it('an oversized request is refused without being read', async () => {
    const stream = await worker.libp2p.dialProtocol(requester.peerId, MARKET_PROTOCOL)
    const lp = lpStream(stream)
    const before = bids.length
    await lp.write(new Uint8Array(MAX_MARKET_MESSAGE_BYTES + 1)).catch(() => {})
    await assert.rejects(lp.read({ signal: AbortSignal.timeout(5_000) }), (err: Error) => {
      assert.notEqual(err.name, 'AbortError', 'the stream was reset by the requester, not by our timeout')
      return true
    })
    assert.equal(bids.length, before)
  })

  it('streams beyond the per-connection limit are reset; those within it stay', async () => {
    // a peer without a market handler of its own, so only the worker's inbound limit applies
    const flooder = await startTestNode({ bare: true, bootstrap: [dialAddress(worker)] })
    try {
      assert.ok(await waitFor(() => flooder.libp2p.getConnections(worker.peerId).length > 0))
      const open: Stream[] = []
      for (let i = 0; i < MARKET_MAX_INBOUND_STREAMS; i++) {
        const stream = await flooder.libp2p.dialProtocol(worker.peerId, MARKET_PROTOCOL)
        stream.send(new Uint8Array([100, 1])) // stalls: the worker's read timeout is the default 5 s
        open.push(stream)
      }
      const extra = await flooder.libp2p.dialProtocol(worker.peerId, MARKET_PROTOCOL).catch(() => undefined)
      if (extra !== undefined) {
        const status = await Promise.race([
          closed(extra),
          new Promise<string>((r) => setTimeout(() => r('still open'), 3_000).unref())
        ])
        assert.equal(status, 'reset', 'the stream over the limit was reset by the worker')
      }
      assert.deepEqual(
        open.map((s) => s.status),
        open.map(() => 'open'),
        'the streams within the limit are still being read'
      )
      for (const s of open) s.abort(new Error('test done'))
    } finally {
      await flooder.stop()
    }
  })

  it('a peer over its request rate is refused', async () => {
    let refused = ''
    for (let i = 0; i < 20 && refused === ''; i++) {
      const ack = await workerMarket.sendBid(requester.peerId, sampleBid())
      if (!ack.accepted) refused = ack.reason
    }
    assert.match(refused, /^ERR_RATE_LIMITED/)
  })
})
