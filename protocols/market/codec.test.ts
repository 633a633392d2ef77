import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { generateKeyPair } from '@libp2p/crypto/keys'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { writer } from 'protons-runtime'
import { decodeAmount, encodeAmount, MAX_AMOUNT } from './amount.js'
import { type Bid, decodeAward, decodeBid, encodeAward, encodeBid } from './codec.js'
import { MAX_AWARD_FRAMES, MAX_BID_AGE_MS, MAX_MARKET_MESSAGE_BYTES } from './constants.js'
import { Award as AwardPb, Bid as BidPb } from './pb/market.js'
import { appendSignature, publicKeyBytes } from './signing.js'
import { SAMPLE_JOB_ID, sampleAward, sampleBid } from './test-fixtures.js'

describe('market codec', async () => {
  const key = await generateKeyPair('Ed25519')
  const other = await generateKeyPair('Ed25519')

  it('a bid round-trips and names its signer', async () => {
    const bid = sampleBid()
    const decoded = await decodeBid(await encodeBid(key, bid))
    assert.deepEqual(decoded.value, bid)
    assert.ok(decoded.signer.equals(peerIdFromPrivateKey(key)))
  })

  it('an award round-trips, uint256 task id included', async () => {
    const award = sampleAward()
    const decoded = await decodeAward(await encodeAward(key, award))
    assert.deepEqual(decoded.value, award)
    assert.deepEqual(
      (await decodeAward(await encodeAward(key, sampleAward({ chainTaskId: 0n })))).value.chainTaskId,
      0n
    )
  })

  it('a tampered bid fails its signature', async () => {
    const pb = BidPb.decode(await encodeBid(key, sampleBid()))
    pb.pricePerUnit = '1'
    await assert.rejects(decodeBid(BidPb.encode(pb)), { code: 'ERR_BAD_SIGNATURE' })
  })

  it('an unsigned bid and a bid whose key is not its signer are refused', async () => {
    const pb = BidPb.decode(await encodeBid(key, sampleBid()))
    await assert.rejects(decodeBid(BidPb.encode({ ...pb, signature: new Uint8Array() })), {
      code: 'ERR_BAD_SIGNATURE'
    })
    // signed by `other`, claiming `key`'s public key
    const unsigned = BidPb.encode({ ...pb, signature: new Uint8Array() })
    await assert.rejects(decodeBid(await appendSignature(other, 'rynus-market:bid:', unsigned)), {
      code: 'ERR_BAD_SIGNATURE'
    })
  })

  it('a bid signature never passes for an award', async () => {
    const award = AwardPb.encode({
      ...AwardPb.decode(await encodeAward(key, sampleAward())),
      signature: new Uint8Array()
    })
    const signedAsBid = await appendSignature(key, 'rynus-market:bid:', award)
    await assert.rejects(decodeAward(signedAsBid), { code: 'ERR_BAD_SIGNATURE' })
  })

  it('fields a newer version adds stay covered by the signature', async () => {
    const base = BidPb.encode({
      ...BidPb.decode(await encodeBid(key, sampleBid())),
      signature: new Uint8Array()
    })
    const w = writer()
    w.uint32((20 << 3) | 2)
    w.string('a field this version does not know')
    const extra = w.finish()
    const signed = await appendSignature(key, 'rynus-market:bid:', new Uint8Array([...base, ...extra]))
    assert.equal((await decodeBid(signed)).value.jobId, SAMPLE_JOB_ID)
    const altered = signed.slice()
    altered[base.byteLength + 5] ^= 1
    await assert.rejects(decodeBid(altered), { code: 'ERR_BAD_SIGNATURE' })
  })

  it('garbage, oversized and over-long repeated fields are refused with ERR_MARKET_MESSAGE', async () => {
    await assert.rejects(decodeBid(new Uint8Array([0xff, 0xff, 0xff, 0xff, 0x0f])), {
      code: 'ERR_MARKET_MESSAGE'
    })
    await assert.rejects(decodeBid(new Uint8Array(MAX_MARKET_MESSAGE_BYTES + 1)), {
      code: 'ERR_MARKET_MESSAGE'
    })
    const frames = Array.from({ length: MAX_AWARD_FRAMES + 1 }, (_, i) => i)
    const tooMany = AwardPb.encode({
      ...AwardPb.decode(await encodeAward(key, sampleAward())),
      frames,
      publicKey: publicKeyBytes(key)
    })
    await assert.rejects(decodeAward(tooMany), (err: Error & { code?: string }) => {
      assert.equal(err.code, 'ERR_MARKET_MESSAGE')
      assert.match(err.message, /too many elements/)
      return true
    })
    await assert.rejects(encodeAward(key, sampleAward({ frames })), /1 to 4096 frames/)
  })

  it('stale, future-dated and badly shaped requests are refused', async () => {
    const now = Date.now()
    await assert.rejects(
      decodeBid(await encodeBid(key, sampleBid({ createdAt: now - MAX_BID_AGE_MS - 1 }))),
      /older/
    )
    await assert.rejects(decodeBid(await encodeBid(key, sampleBid({ createdAt: now + 3_600_000 }))), /future/)
    await assert.rejects(encodeBid(key, sampleBid({ jobId: 'not-a-cid' })), { code: 'ERR_MARKET_MESSAGE' })
    await assert.rejects(encodeBid(key, sampleBid({ etaSecondsPerUnit: Number.NaN })), /eta/)
    await assert.rejects(encodeBid(key, sampleBid({ tier: 'gold' as Bid['tier'] })), /tier/)
    await assert.rejects(encodeAward(key, sampleAward({ frames: [1, 1] })), /twice/)
    const late = await encodeAward(key, sampleAward({ createdAt: now - 2_000, deadline: now - 1_000 }))
    await assert.rejects(decodeAward(late), /deadline has already passed/)
  })

  it('token amounts are canonical uint256 decimals', () => {
    assert.equal(decodeAmount(encodeAmount(MAX_AMOUNT)), MAX_AMOUNT)
    assert.equal(decodeAmount('0'), 0n)
    assert.equal(decodeAmount('', 'x', true), 0n)
    for (const bad of ['', '01', '-1', '1e18', ' 1', (MAX_AMOUNT + 1n).toString()]) {
      assert.throws(() => decodeAmount(bad), { code: 'ERR_INVALID_AMOUNT' }, bad)
    }
    assert.throws(() => encodeAmount(-1n), { code: 'ERR_INVALID_AMOUNT' })
  })
})
