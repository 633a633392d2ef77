import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { bid } from '../test-support.js'
import { explorationRanker } from './exploration.js'
import { failuresRanker } from './failures.js'
import { latencyRanker } from './latency.js'
import { priceRanker } from './price.js'
import { speedRanker } from './speed.js'
import { tierRanker } from './tier.js'
import { EMPTY_HISTORY, type RankContext } from './types.js'

const CONTEXT: RankContext = { history: EMPTY_HISTORY, rng: () => 0.5 }

describe('rankers', () => {
  it('price: the cheapest scores 1, twice the price scores 0.5', () => {
    assert.deepEqual(
      priceRanker([bid('a', { pricePerUnit: 200n }), bid('b', { pricePerUnit: 100n })], CONTEXT),
      [0.5, 1]
    )
  })

  it('price: works on prices far beyond float precision', () => {
    const huge = 10n ** 40n
    assert.deepEqual(
      priceRanker([bid('a', { pricePerUnit: huge }), bid('b', { pricePerUnit: huge * 4n })], CONTEXT),
      [1, 0.25]
    )
  })

  it('speed: the fastest scores 1; a nonsense ETA scores 0', () => {
    assert.deepEqual(
      speedRanker(
        [
          bid('a', { etaSecondsPerUnit: 4 }),
          bid('b', { etaSecondsPerUnit: 8 }),
          bid('c', { etaSecondsPerUnit: Number.NaN })
        ],
        CONTEXT
      ),
      [1, 0.5, 0]
    )
  })

  it('latency: nearest scores 1, unmeasured 0.5', () => {
    assert.deepEqual(
      latencyRanker([bid('a', { latencyMs: 20 }), bid('b', { latencyMs: 40 }), bid('c')], CONTEXT),
      [1, 0.5, 0.5]
    )
  })

  it('tier: trusted above global', () => {
    assert.deepEqual(tierRanker([bid('a', { tier: 'trusted' }), bid('b')], CONTEXT), [1, 0])
  })

  it('failures: zero for a worker that failed this job, halved per failure elsewhere', () => {
    const context: RankContext = {
      rng: () => 0,
      history: {
        failedForJob: new Set(['a']),
        globalFailures: new Map([
          ['b', 1],
          ['c', 3]
        ])
      }
    }
    assert.deepEqual(failuresRanker([bid('a'), bid('b'), bid('c'), bid('d')], context), [0, 0.5, 0.25, 1])
  })

  it('exploration: draws one number per bid from the injected RNG', () => {
    const draws = [0.9, 0.1]
    assert.deepEqual(
      explorationRanker([bid('a'), bid('b')], { ...CONTEXT, rng: () => draws.shift()! }),
      [0.9, 0.1]
    )
  })
})
