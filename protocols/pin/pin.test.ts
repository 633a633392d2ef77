import assert from 'node:assert/strict'
import { randomBytes } from 'node:crypto'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { CID } from 'multiformats/cid'
import type { RynusNode } from '../../node/rynus-node.js'
import { dialAddress, removeTempDirs, startTestNode, waitFor } from '../../simulations/e2e/harness.js'
import { createNodeHelia, type NodeHelia } from '../../storage/blocks/index.js'
import { hasAll, importBytes } from '../../storage/files/index.js'
import { PinRepository } from '../../storage/repos/index.js'
import { silentLogger } from '../common/logger.js'
import { sendRequest } from '../market/request-stream.js'
import { connectedPinServers, requestPin } from './client.js'
import { decodePinAnswer } from './codec.js'
import { PIN_PROTOCOL, REMOTE_PIN_METADATA_KEY } from './constants.js'
import { PinService } from './pin.js'

const MiB = 1024 * 1024

describe('pin protocol between a node and a super-peer', () => {
  let superPeer: RynusNode
  let asker: RynusNode
  let spData: NodeHelia
  let askerData: NodeHelia
  let repo: PinRepository
  let service: PinService
  const repoPath = (): string => join(superPeer.dataDir, 'pins')
  const startService = async (): Promise<void> => {
    repo = await PinRepository.open(repoPath())
    service = new PinService(
      { maxPinsPerPeer: 3, maxBytesPerPeer: 6 * MiB, sweepIntervalMs: 100, fetchTimeoutMs: 5_000 },
      { libp2p: superPeer.libp2p, helia: spData.helia, repo, logger: silentLogger }
    )
    await service.start()
  }
  const stopService = async (): Promise<void> => {
    await service.stop()
    await repo.close()
  }
  const add = async (bytes: number): Promise<string> =>
    (await importBytes(askerData.helia, randomBytes(bytes))).cid

  before(async () => {
    superPeer = await startTestNode({ bare: true })
    asker = await startTestNode({ bare: true, bootstrap: [dialAddress(superPeer)] })
    spData = await createNodeHelia({
      libp2p: superPeer.libp2p,
      dataDir: superPeer.dataDir,
      logger: silentLogger
    })
    askerData = await createNodeHelia({ libp2p: asker.libp2p, dataDir: asker.dataDir, logger: silentLogger })
    await startService()
    assert.ok(await waitFor(async () => (await connectedPinServers(asker.libp2p)).length === 1))
  })
  after(async () => {
    await stopService()
    await askerData.stop()
    await spData.stop()
    await asker.stop()
    await superPeer.stop()
    await removeTempDirs()
  })

  it('fetches the whole DAG from the asker, pins it and answers with its expiry', async () => {
    const cid = await add(2.5 * MiB)
    const before = Date.now()
    const answer = await requestPin(asker.libp2p, superPeer.peerId, { cid, durationMs: 3_600_000 })
    assert.equal(answer.accepted, true, answer.reason)
    assert.ok(answer.expiresAt >= before + 3_600_000 && answer.expiresAt <= Date.now() + 3_600_000)
    assert.ok(answer.bytes >= 2.5 * MiB && answer.bytes < 2.6 * MiB, `bytes ${answer.bytes}`)
    assert.equal(answer.blocks, 4, 'a root and three leaves')
    assert.equal(await hasAll(spData.helia, cid), true, 'every block is on the super-peer')
    const pin = await spData.helia.pins.get(CID.parse(cid))
    assert.equal(pin.metadata[REMOTE_PIN_METADATA_KEY], true)
    const again = await requestPin(asker.libp2p, superPeer.peerId, { cid, durationMs: 10 * 24 * 3600_000 })
    assert.equal(again.accepted, true)
    assert.match(again.reason, /already pinned/)
    assert.match(again.reason, /7\.0 days is the most/, 'a duration past the maximum is capped and said so')
  })

  it('refuses a DAG past the peer byte quota and a pin past its count, with codes', async () => {
    const big = await add(4 * MiB) // 2.5 MiB already held of 6 MiB
    const refused = await requestPin(asker.libp2p, superPeer.peerId, { cid: big, durationMs: 60_000 })
    assert.equal(refused.accepted, false)
    assert.equal(refused.code, 'ERR_PIN_QUOTA_BYTES')
    assert.match(refused.reason, /quota of 6291456 bytes/)
    assert.equal((await service.list()).length, 1, 'nothing recorded for the refused pin')
    assert.equal(await spData.helia.blockstore.has(CID.parse(big)), false, 'nothing of it is kept either')

    for (const size of [1000, 2000]) {
      const ok = await requestPin(asker.libp2p, superPeer.peerId, {
        cid: await add(size),
        durationMs: 60_000
      })
      assert.equal(ok.accepted, true, ok.reason)
    }
    const fourth = await requestPin(asker.libp2p, superPeer.peerId, {
      cid: await add(3000),
      durationMs: 60_000
    })
    assert.equal(fourth.code, 'ERR_PIN_QUOTA_PINS')
    assert.match(fourth.reason, /you hold 3 pins/)
  })

  it('refuses a peer that asks faster than its rate with ERR_PIN_RATE_LIMITED', async () => {
    // the asker serves pins too here, allowing one request a minute
    const strictRepo = await PinRepository.open(join(asker.dataDir, 'pins'))
    const strict = new PinService(
      { requestsPerPeerPerMinute: 1 },
      { libp2p: asker.libp2p, helia: askerData.helia, repo: strictRepo, logger: silentLogger }
    )
    await strict.start()
    try {
      const cid = await add(1000)
      const first = await requestPin(superPeer.libp2p, asker.peerId, { cid, durationMs: 60_000 })
      assert.equal(first.accepted, true, first.reason)
      const second = await requestPin(superPeer.libp2p, asker.peerId, { cid, durationMs: 60_000 })
      assert.equal(second.code, 'ERR_PIN_RATE_LIMITED')
      assert.match(second.reason, /slow down/)
    } finally {
      await strict.stop()
      await strictRepo.close()
    }
  })

  it('refuses a malformed request with ERR_PIN_REQUEST', async () => {
    const bad = new TextEncoder().encode('\n\x07not-cid\x10\x01')
    const reply = await sendRequest(asker.libp2p, superPeer.peerId, PIN_PROTOCOL, bad, {
      maxReplyBytes: 2048,
      timeoutMs: 5_000
    })
    const answer = decodePinAnswer(reply)
    assert.equal(answer.code, 'ERR_PIN_REQUEST')
    assert.match(answer.reason, /not a valid CID/)
  })

  it('keeps pins and expiries across a restart, then unpins each one that expires', async () => {
    const cid = await add(300_000)
    const released = (await service.list()).filter((r) => r.expiresAt < Date.now() + 120_000)
    for (const r of released)
      await requestPin(asker.libp2p, superPeer.peerId, { cid: r.cid, durationMs: 1, release: true })
    const answer = await requestPin(asker.libp2p, superPeer.peerId, { cid, durationMs: 1_500 })
    assert.equal(answer.accepted, true, answer.reason)
    await stopService()
    await startService()
    const kept = (await service.list()).find((r) => r.cid === cid)
    assert.equal(kept?.expiresAt, answer.expiresAt, 'the expiry survived the restart')
    assert.ok(
      await waitFor(async () => (await service.list()).every((r) => r.cid !== cid), 5_000),
      'the pin is gone after its expiry'
    )
    // the record goes first, then helia's pin is released: wait for that too
    const unpinned = async (): Promise<boolean> =>
      spData.helia.pins.get(CID.parse(cid)).then(
        () => false,
        (err: Error) => err.name === 'NotFoundError'
      )
    assert.ok(await waitFor(unpinned, 5_000), 'helia no longer pins it')
    assert.equal((await service.list()).length, 1, 'the long pin is still there')
  })
})
