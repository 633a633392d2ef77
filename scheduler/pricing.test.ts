import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { formatTokens, unitPriceFor } from './pricing.js'

const REFERENCE = 128_000_000n // 1e6 pixels × 128 samples

describe('unitPriceFor', () => {
  it('a reference frame (1 MP, 128 samples) costs the floor', () => {
    assert.equal(unitPriceFor(1000n, { num: 1_000_000n * 128n, den: REFERENCE }), 1000n)
  })

  it('a 1080p frame at 256 samples costs floor × 2.0736 × 2, rounded up', () => {
    assert.equal(unitPriceFor(1000n, { num: 1920n * 1080n * 256n, den: REFERENCE }), 4148n)
    assert.equal(unitPriceFor(1n, { num: 1920n * 1080n * 256n, den: REFERENCE }), 5n)
  })

  it('a tiny frame never costs less than a tenth of the floor', () => {
    assert.equal(unitPriceFor(1000n, { num: 16n * 16n * 1n, den: REFERENCE }), 100n)
    assert.equal(unitPriceFor(15n, { num: 1n, den: REFERENCE }), 2n)
  })
})

describe('formatTokens', () => {
  it('shows base units as tokens without trailing zeros', () => {
    assert.equal(formatTokens(1_500_000_000_000_000_000n), '1.5')
    assert.equal(formatTokens(1n), '0.000000000000000001')
    assert.equal(formatTokens(2n * 10n ** 18n), '2')
  })
})
