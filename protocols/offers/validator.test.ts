import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { generateKeyPair } from '@libp2p/crypto/keys'
import type { Message } from '@libp2p/gossipsub'
import { TopicValidatorResult } from '@libp2p/gossipsub'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { decodeOffer, encodeOffer } from './codec.js'
import { MAX_OFFER_BYTES, MAX_OFFER_CAPABILITIES, MAX_OFFER_TTL_MS, OFFERS_TOPIC } from './constants.js'
import { JobOffer as JobOfferPb } from './pb/offers.js'
import { sampleOffer } from './test-fixtures.js'
import { OfferValidator, verdictOf } from './validator.js'

describe('offer codec and validator', async () => {
  const key = await generateKeyPair('Ed25519')
  const other = await generateKeyPair('Ed25519')
  let clock = Date.now()
  const now = (): number => clock

  function signed(data: Uint8Array, from = key): Message {
    return {
      type: 'signed',
      from: peerIdFromPrivateKey(from),
      topic: OFFERS_TOPIC,
      data,
      sequenceNumber: 1n,
      signature: new Uint8Array(64),
      key: from.publicKey
    }
  }

  /** The verdict and error code the validator gives `msg`. */
  function judge(v: OfferValidator, msg: Message): [TopicValidatorResult, string] {
    try {
      v.check(msg)
      return [TopicValidatorResult.Accept, '']
    } catch (err) {
      return [verdictOf(err), (err as { code?: string }).code ?? '']
    }
  }

  it('an offer round-trips, uint256 chain job id included', () => {
    const offer = sampleOffer({
      chainJobId: (0xabcdefn << 64n) | 42n,
      requirements: {
        capabilities: ['render', 'vram:>=24g'],
        minVramBytes: 24e9,
        gpuVendor: 'nvidia',
        gpuModel: 'nvidia-geforce-rtx-4090'
      }
    })
    assert.deepEqual(decodeOffer(encodeOffer(offer)), offer)
  })

  it('a valid offer is accepted and handed over', () => {
    const v = new OfferValidator({ now })
    const offer = sampleOffer({}, clock)
    assert.deepEqual(v.check(signed(encodeOffer(offer))), offer)
  })

  it('garbage, oversized, unsigned and impossible offers are REJECTed', () => {
    const v = new OfferValidator({ now })
    const good = encodeOffer(sampleOffer({}, clock))
    const caps = Array.from({ length: MAX_OFFER_CAPABILITIES + 1 }, (_, i) => `gpu:model-${i}`)
    const tooManyCaps = JobOfferPb.encode({
      ...JobOfferPb.decode(good),
      requirements: { capabilities: caps, minVramBytes: 0, gpuVendor: '', gpuModel: '' }
    })
    const cases: Array<[string, Message, string]> = [
      ['garbage', signed(new TextEncoder().encode('free GPUs, click here')), 'ERR_OFFER_MALFORMED'],
      ['oversized', signed(new Uint8Array(MAX_OFFER_BYTES + 1)), 'ERR_OFFER_TOO_LARGE'],
      ['unsigned', { type: 'unsigned', topic: OFFERS_TOPIC, data: good }, 'ERR_OFFER_UNSIGNED'],
      ['too many capabilities', signed(tooManyCaps), 'ERR_OFFER_MALFORMED'],
      [
        'lifetime too long',
        signed(JobOfferPb.encode({ ...JobOfferPb.decode(good), expiresAt: clock + MAX_OFFER_TTL_MS + 1 })),
        'ERR_OFFER_INVALID'
      ],
      [
        'bad price',
        signed(JobOfferPb.encode({ ...JobOfferPb.decode(good), maxPricePerUnit: '-5' })),
        'ERR_OFFER_INVALID'
      ],
      ['no job id', signed(JobOfferPb.encode({ ...JobOfferPb.decode(good), jobId: '' })), 'ERR_OFFER_INVALID']
    ]
    for (const [name, msg, code] of cases) {
      assert.deepEqual(judge(v, msg), [TopicValidatorResult.Reject, code], name)
    }
    assert.equal(v.tracked, 0, 'nothing rejected is remembered')
  })

  it('expired and future-dated offers are IGNOREd', () => {
    const v = new OfferValidator({ now })
    const expired = sampleOffer({}, clock - 20 * 60_000)
    assert.deepEqual(judge(v, signed(encodeOffer(expired))), [
      TopicValidatorResult.Ignore,
      'ERR_OFFER_EXPIRED'
    ])
    const early = sampleOffer({}, clock + 5 * 60_000)
    assert.deepEqual(judge(v, signed(encodeOffer(early))), [TopicValidatorResult.Ignore, 'ERR_OFFER_EARLY'])
  })

  it('a replay is IGNOREd; a re-offer with a newer createdAt, or by another requester, is not', () => {
    const v = new OfferValidator({ now })
    const offer = sampleOffer({}, clock)
    assert.equal(judge(v, signed(encodeOffer(offer)))[0], TopicValidatorResult.Accept)
    assert.deepEqual(judge(v, signed(encodeOffer(offer))), [
      TopicValidatorResult.Ignore,
      'ERR_OFFER_DUPLICATE'
    ])
    const older = sampleOffer({}, clock - 1_000)
    assert.deepEqual(judge(v, signed(encodeOffer(older))), [
      TopicValidatorResult.Ignore,
      'ERR_OFFER_DUPLICATE'
    ])
    const raised = sampleOffer({ maxPricePerUnit: offer.maxPricePerUnit * 2n }, clock + 1_000)
    assert.equal(judge(v, signed(encodeOffer(raised)))[0], TopicValidatorResult.Accept)
    assert.equal(judge(v, signed(encodeOffer(offer), other))[0], TopicValidatorResult.Accept)
  })

  it('a requester over its rate is IGNOREd', () => {
    const v = new OfferValidator({ now, offersPerPeerPerMinute: 3 })
    const verdicts = [0, 1, 2, 3].map((i) => judge(v, signed(encodeOffer(sampleOffer({}, clock + i))))[1])
    assert.deepEqual(verdicts, ['', '', '', 'ERR_OFFER_RATE_LIMITED'])
  })

  it('tracking is bounded: when full, new offers are ignored until old ones expire', () => {
    const v = new OfferValidator({ now, maxTrackedOffers: 2 })
    const start = clock
    assert.equal(judge(v, signed(encodeOffer(sampleOffer({}, start))))[0], TopicValidatorResult.Accept)
    assert.equal(judge(v, signed(encodeOffer(sampleOffer({}, start)), other))[0], TopicValidatorResult.Accept)
    const jobB = 'bagaaierasords4njcts6vs7qvdjfcvgnume4hqohf65zsfguprqphs3icwea'
    assert.deepEqual(judge(v, signed(encodeOffer(sampleOffer({ jobId: jobB }, start)))), [
      TopicValidatorResult.Ignore,
      'ERR_OFFER_BUSY'
    ])
    clock = start + 11 * 60_000
    assert.equal(
      judge(v, signed(encodeOffer(sampleOffer({ jobId: jobB }, clock))))[0],
      TopicValidatorResult.Accept
    )
    assert.equal(v.tracked, 1, 'the expired ones were forgotten')
    clock = start
  })
})
