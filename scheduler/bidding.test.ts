import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { type BidDecision, type BiddingPolicy, decideBid } from './bidding.js'
import { BiddingPolicyError } from './errors.js'
import { cpuWorker, NOW, ONE_TOKEN, PEERS, renderSpec, rtx4090Worker } from './test-support.js'

const JOB = 'bagaaierajob'
/** 320×180 at 32 samples = 0.0144 reference units: price = max(floor × 0.0144, floor / 10) = floor / 10. */
const offer = (spec = renderSpec()) => ({ jobId: JOB, spec, expiresAt: NOW + 30_000 })
const ALWAYS: BiddingPolicy = { utcOffsetMinutes: 0 }

function declineCode(decision: BidDecision): string | undefined {
  return 'decline' in decision ? decision.decline.code : undefined
}

describe('decideBid', () => {
  it('bids on a matching CPU render at its floor-derived price, with an ETA from its speed', () => {
    const decision = decideBid(
      offer(),
      cpuWorker(PEERS.alice),
      { ...ALWAYS, secondsPerReferenceUnit: 100 },
      NOW
    )
    assert.ok('bid' in decision)
    assert.equal(decision.bid.pricePerUnit, 10n ** 14n)
    assert.equal(decision.bid.jobId, JOB)
    assert.equal(decision.bid.gpuModel, '')
    assert.ok(Math.abs(decision.bid.etaSecondsPerUnit - 1.44) < 1e-9)
  })

  it('a 1080p frame at 128 samples costs 2.0736 × floor; the markup applies but never beyond the max', () => {
    const spec = renderSpec({}, { resolution: { x: 1920, y: 1080 }, samples: 128 })
    const plain = decideBid(offer(spec), cpuWorker(PEERS.alice), ALWAYS, NOW)
    assert.ok('bid' in plain)
    assert.equal(plain.bid.pricePerUnit, 20_736n * 10n ** 11n)
    const marked = decideBid(offer(spec), cpuWorker(PEERS.alice), { ...ALWAYS, markupPercent: 50 }, NOW)
    assert.ok('bid' in marked)
    assert.equal(marked.bid.pricePerUnit, 31_104n * 10n ** 11n)
    const capped = renderSpec({ maxPricePerUnit: (25n * 10n ** 14n).toString() }, spec.render)
    const atMax = decideBid(offer(capped), cpuWorker(PEERS.alice), { ...ALWAYS, markupPercent: 50 }, NOW)
    assert.ok('bid' in atMax)
    assert.equal(atMax.bid.pricePerUnit, 25n * 10n ** 14n)
  })

  it('declines when its price is above the max, saying both prices', () => {
    const decision = decideBid(
      offer(),
      cpuWorker(PEERS.alice, { priceFloorPerUnit: 20n * ONE_TOKEN }),
      ALWAYS,
      NOW
    )
    assert.equal(declineCode(decision), 'price')
    assert.match(
      (decision as { decline: { message: string } }).decline.message,
      /price of 2 per frame is above the job's max of 1/
    )
  })

  it('declines a job it cannot run: CUDA on a CPU box, 48 GB on a 24 GB card', () => {
    assert.equal(
      declineCode(decideBid(offer(renderSpec({}, { device: 'CUDA' })), cpuWorker(PEERS.alice), ALWAYS, NOW)),
      'requirements'
    )
    const big = renderSpec({ requirements: { capabilities: [], minVramBytes: 48e9 } }, { device: 'OPTIX' })
    const decision = decideBid(offer(big), rtx4090Worker(PEERS.bob), ALWAYS, NOW)
    assert.match(
      (decision as { decline: { message: string } }).decline.message,
      /≥ 48 GB VRAM \(largest 24 GB\)/
    )
  })

  it('on a GPU job, reports the GPU it will use', () => {
    const decision = decideBid(
      offer(renderSpec({}, { device: 'OPTIX' })),
      rtx4090Worker(PEERS.bob),
      ALWAYS,
      NOW
    )
    assert.ok('bid' in decision)
    assert.equal(decision.bid.gpuModel, 'NVIDIA GeForce RTX 4090')
    assert.equal(decision.bid.vramBytes, 24e9)
  })

  it('declines with no free slot, outside its hours, for a kind it does not take, and for an expired offer', () => {
    assert.equal(
      declineCode(decideBid(offer(), cpuWorker(PEERS.alice, { freeSlots: 0 }), ALWAYS, NOW)),
      'busy'
    )
    // NOW is 12:00 UTC
    assert.equal(
      declineCode(
        decideBid(offer(), cpuWorker(PEERS.alice), { ...ALWAYS, allowedHours: ['22:00-07:00'] }, NOW)
      ),
      'hours'
    )
    assert.ok(
      'bid' in
        decideBid(
          offer(),
          cpuWorker(PEERS.alice),
          { allowedHours: ['22:00-07:00'], utcOffsetMinutes: 600 },
          NOW
        )
    )
    assert.equal(
      declineCode(decideBid(offer(), cpuWorker(PEERS.alice), { ...ALWAYS, kinds: ['train'] }, NOW)),
      'kind'
    )
    assert.equal(
      declineCode(decideBid({ ...offer(), expiresAt: NOW }, cpuWorker(PEERS.alice), ALWAYS, NOW)),
      'expired'
    )
  })

  it('a broken allowed-hours setting is an error, not a silent decline', () => {
    assert.throws(
      () => decideBid(offer(), cpuWorker(PEERS.alice), { allowedHours: ['night'] }, NOW),
      BiddingPolicyError
    )
  })
})
