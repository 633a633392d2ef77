import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { takeTokenFromHash } from './token.js'

describe('takeTokenFromHash', () => {
  it('takes the token from the address the CLI prints and leaves the Explorer route', () => {
    assert.deepEqual(takeTokenFromHash('#token=abc123'), { token: 'abc123', rest: '#/' })
  })

  it('keeps the page and other parameters of a deep link', () => {
    assert.deepEqual(takeTokenFromHash('#/peers?token=t1'), { token: 't1', rest: '#/peers' })
    assert.deepEqual(takeTokenFromHash('#/peers?token=t1&q=x'), { token: 't1', rest: '#/peers?q=x' })
    assert.deepEqual(takeTokenFromHash('#/peers?q=x&token=t1'), { token: 't1', rest: '#/peers?q=x' })
  })

  it('decodes an escaped token', () => {
    assert.equal(takeTokenFromHash('#token=a%2Bb%3D').token, 'a+b=')
  })

  it('leaves a hash without a token alone', () => {
    assert.deepEqual(takeTokenFromHash('#/node'), { token: null, rest: '#/node' })
    assert.deepEqual(takeTokenFromHash(''), { token: null, rest: '' })
  })

  it('treats an empty token as no token', () => {
    assert.equal(takeTokenFromHash('#token=').token, null)
  })
})
