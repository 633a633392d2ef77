import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { matchPath } from './route-match.js'

describe('matchPath', () => {
  it('matches fixed paths and fills parameters', () => {
    assert.deepEqual(matchPath('/render/new', '/render/new'), {})
    assert.deepEqual(matchPath('/render/:jobId', '/render/bafy123'), { jobId: 'bafy123' })
    assert.deepEqual(matchPath('/render/:jobId', '/render/a%20b/'), { jobId: 'a b' })
  })

  it('does not match other lengths, other words or broken escapes', () => {
    assert.equal(matchPath('/render/:jobId', '/render'), null)
    assert.equal(matchPath('/render/:jobId', '/render/a/b'), null)
    assert.equal(matchPath('/render/new', '/workers/new'), null)
    assert.equal(matchPath('/render/:jobId', '/render/%E0%A4%A'), null)
  })
})
