import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { CID } from 'multiformats/cid'
import { JobSpecError } from '../errors.js'
import { NOW, renderSpec } from '../test-support.js'
import { canonicalJson, decodeJobSpec, encodeJobSpec, jobIdOf } from './encode.js'

describe('job spec encoding', () => {
  it('canonical JSON sorts keys at every depth and drops undefined fields', () => {
    assert.equal(
      canonicalJson({ b: 1, a: { d: [2, { z: 1, y: 2 }], c: undefined } }),
      '{"a":{"d":[2,{"y":2,"z":1}]},"b":1}'
    )
  })

  it('the same spec written in another key order has the same job id', () => {
    const spec = renderSpec()
    const reordered = JSON.parse(JSON.stringify(Object.fromEntries(Object.entries(spec).reverse())))
    assert.equal(jobIdOf(encodeJobSpec(reordered)), jobIdOf(encodeJobSpec(spec)))
  })

  it('the job id is a CIDv1 with the json codec and sha2-256, and changes with any field', () => {
    const id = jobIdOf(encodeJobSpec(renderSpec()))
    const cid = CID.parse(id)
    assert.equal(cid.version, 1)
    assert.equal(cid.code, 0x0200)
    assert.equal(cid.multihash.code, 0x12)
    assert.ok(id.startsWith('bagaaiera'))
    assert.notEqual(jobIdOf(encodeJobSpec(renderSpec({}, { samples: 33 }))), id)
  })

  it('decodes its own bytes back to the spec and refuses non-canonical bytes', () => {
    const spec = renderSpec()
    assert.deepEqual(decodeJobSpec(encodeJobSpec(spec), { now: NOW }), spec)
    const spaced = new TextEncoder().encode(JSON.stringify(spec, null, 2))
    assert.throws(() => decodeJobSpec(spaced, { now: NOW }), JobSpecError)
    assert.throws(() => decodeJobSpec(new Uint8Array([0xff, 0xfe]), { now: NOW }), JobSpecError)
  })
})
