import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { seededRng } from '../rng.js'
import { bid } from '../test-support.js'
import { rank, scoreBids } from './rank.js'
import { DEFAULT_RANK_POLICY, type RankPolicy } from './types.js'

const ONLY_PRICE: RankPolicy = {
  weights: { price: 1, speed: 0, latency: 0, tier: 0, failures: 0, exploration: 0 }
}

describe('rank', () => {
  it('with the default policy a cheaper, equally fast worker comes first', () => {
    const ordered = rank(
      [bid('dear', { pricePerUnit: 300n }), bid('cheap', { pricePerUnit: 100n })],
      DEFAULT_RANK_POLICY,
      () => 0.5
    )
    assert.deepEqual(
      ordered.map((b) => b.worker),
      ['cheap', 'dear']
    )
  })

  it('a worker that failed this job sinks below a dearer clean one', () => {
    const bids = [bid('flaky', { pricePerUnit: 90n }), bid('steady', { pricePerUnit: 100n })]
    const history = { failedForJob: new Set(['flaky']), globalFailures: new Map<string, number>() }
    assert.equal(rank(bids, DEFAULT_RANK_POLICY, () => 0.5, history)[0]!.worker, 'steady')
  })

  it('a much faster worker can beat a slightly cheaper slow one', () => {
    const bids = [
      bid('slow', { pricePerUnit: 95n, etaSecondsPerUnit: 60 }),
      bid('fast', { pricePerUnit: 100n, etaSecondsPerUnit: 5 })
    ]
    assert.equal(rank(bids, DEFAULT_RANK_POLICY, () => 0.5)[0]!.worker, 'fast')
  })

  it('exploration lets equal workers take turns over many jobs', () => {
    const rng = seededRng(7)
    const firsts = new Set<string>()
    for (let i = 0; i < 50; i++)
      firsts.add(rank([bid('a'), bid('b'), bid('c')], DEFAULT_RANK_POLICY, rng)[0]!.worker)
    assert.deepEqual([...firsts].sort(), ['a', 'b', 'c'])
  })

  it('ties go to the lower price, then the earlier bid, and the result is deterministic', () => {
    const bids = [bid('late', { receivedAt: 5 }), bid('early', { receivedAt: 1 })]
    const policy: RankPolicy = { weights: { ...ONLY_PRICE.weights, price: 0, tier: 1 } }
    assert.deepEqual(
      rank(bids, policy, () => 0).map((b) => b.worker),
      ['early', 'late']
    )
  })

  it('scores explain themselves per ranker', () => {
    const [best] = scoreBids([bid('a', { pricePerUnit: 50n }), bid('b')], ONLY_PRICE, () => 0)
    assert.equal(best!.bid.worker, 'a')
    assert.equal(best!.score, 1)
    assert.equal(best!.parts.price, 1)
  })
})
