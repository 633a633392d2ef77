import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { formatTokens, parseTokens } from './tokens.js'

const base = (text: string): bigint => {
  const parsed = parseTokens(text)
  assert.ok(parsed.ok, `"${text}" parses`)
  return parsed.baseUnits
}

describe('parseTokens', () => {
  it('turns tokens into exact base units without float rounding', () => {
    assert.equal(base('0.01'), 10_000_000_000_000_000n)
    assert.equal(base('2'), 2_000_000_000_000_000_000n)
    assert.equal(base('.5'), 500_000_000_000_000_000n)
    assert.equal(base('0,25'), 250_000_000_000_000_000n)
    // 0.1 + 0.2 is not 0.3 in floats; here it is exact.
    assert.equal(base('0.3'), base('0.1') + base('0.2'))
    assert.equal(base('0.000000000000000001'), 1n)
    assert.equal(base('123456789012345678901.5'), 123_456_789_012_345_678_901_500_000_000_000_000_000n)
  })

  it('says what is wrong with text that is not an amount', () => {
    for (const text of ['', '  ', 'abc', '1e-3', '-1', '1.2.3', '.']) {
      const parsed = parseTokens(text)
      assert.equal(parsed.ok, false, `"${text}" is refused`)
    }
    const tooPrecise = parseTokens('0.0000000000000000001')
    assert.ok(!tooPrecise.ok && tooPrecise.message.includes('18 decimal'))
  })
})

describe('formatTokens', () => {
  it('writes base units as tokens, exactly', () => {
    assert.equal(formatTokens('40000000000000000'), '0.04')
    assert.equal(formatTokens('1000000000000000000'), '1')
    assert.equal(formatTokens(1n), '0.000000000000000001')
    assert.equal(formatTokens('1234567000000000000000000'), '1,234,567')
    assert.equal(formatTokens('0'), '0')
  })

  it('shortens to a number of decimals and marks the cut', () => {
    assert.equal(formatTokens('123456000000000', 4), '~0.0001')
    assert.equal(formatTokens('100000000000000', 4), '0.0001')
    assert.equal(formatTokens('1500000000000000000', 4), '1.5')
  })

  it('shows a dash for something that is not a number', () => {
    assert.equal(formatTokens('nope'), '—')
  })
})
