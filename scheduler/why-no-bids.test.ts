import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { cpuWorker, NOW, ONE_TOKEN, PEERS, renderSpec, rtx4090Worker } from './test-support.js'
import { explainNoMatch } from './why-no-bids.js'

describe('explainNoMatch', () => {
  it('can match when one online worker fits, naming the candidates', () => {
    const result = explainNoMatch(
      renderSpec(),
      [cpuWorker(PEERS.alice), cpuWorker(PEERS.bob, { freeSlots: 0 })],
      NOW
    )
    assert.deepEqual(result, { canMatch: true, reasons: [], candidates: [PEERS.alice] })
  })

  it('no record, or only expired ones: no worker online', () => {
    for (const records of [[], [cpuWorker(PEERS.alice, { expiresAt: NOW })]]) {
      const result = explainNoMatch(renderSpec(), records, NOW)
      assert.equal(result.canMatch, false)
      assert.match(result.reasons[0]!, /no worker is online/)
    }
  })

  it('no worker with the capability: names the missing key', () => {
    const result = explainNoMatch(
      renderSpec({}, { device: 'OPTIX' }),
      [cpuWorker(PEERS.alice), cpuWorker(PEERS.bob)],
      NOW
    )
    assert.deepEqual(result.reasons, ['all 2 online workers lack the capability render:*:cycles-optix'])
  })

  it('all above the max price: gives the cheapest price to raise the max to', () => {
    const records = [
      cpuWorker(PEERS.alice, { priceFloorPerUnit: 30n * ONE_TOKEN }),
      cpuWorker(PEERS.bob, { priceFloorPerUnit: 20n * ONE_TOKEN })
    ]
    const [reason] = explainNoMatch(renderSpec(), records, NOW).reasons
    assert.match(
      reason!,
      /all 2 online workers can run it but ask more than the max price of 1 per frame \(cheapest: 2\)/
    )
    assert.match(reason!, new RegExp(`at least ${2n * ONE_TOKEN}`))
  })

  it('all busy', () => {
    const [reason] = explainNoMatch(renderSpec(), [cpuWorker(PEERS.alice, { freeSlots: 0 })], NOW).reasons
    assert.match(reason!, /all 1 online workers could run it within the price but are busy/)
  })

  it('none with enough VRAM: says the largest there is', () => {
    const spec = renderSpec({ requirements: { capabilities: [], minVramBytes: 48e9 } }, { device: 'CUDA' })
    const [reason] = explainNoMatch(spec, [rtx4090Worker(PEERS.alice)], NOW).reasons
    assert.match(reason!, /none with ≥ 48 GB VRAM \(largest 24 GB\)/)
  })

  it('mixed causes: one line each, most common first', () => {
    const spec = renderSpec({}, { device: 'CUDA' })
    const result = explainNoMatch(
      spec,
      [cpuWorker(PEERS.alice), cpuWorker(PEERS.bob), rtx4090Worker(PEERS.carol, { freeSlots: 0 })],
      NOW
    )
    assert.deepEqual(result.reasons, [
      '2 of 3 online workers lack the capability render:*:cycles-cuda',
      '1 of 3 online workers could run it within the price but are busy (no free slot); try again later'
    ])
  })

  it('a passed deadline is the reason, whatever the workers', () => {
    const result = explainNoMatch(renderSpec({ deadline: NOW }), [cpuWorker(PEERS.alice)], NOW)
    assert.match(result.reasons[0]!, /deadline has passed/)
  })
})
