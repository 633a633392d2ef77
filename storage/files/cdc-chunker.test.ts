import assert from 'node:assert/strict'
import { createHash, randomBytes } from 'node:crypto'
import { describe, it } from 'node:test'
import { contentDefined } from './cdc-chunker.js'
import { ChunkerOptionsError } from './errors.js'

const KIB = 1024
const BOUNDS = { minBytes: 16 * KIB, avgBytes: 64 * KIB, maxBytes: 256 * KIB }

async function chunksOf(data: Uint8Array, readBytes: number): Promise<Uint8Array[]> {
  async function* reads(): AsyncGenerator<Uint8Array> {
    for (let i = 0; i < data.byteLength; i += readBytes) yield data.subarray(i, i + readBytes)
  }
  const out: Uint8Array[] = []
  for await (const chunk of contentDefined(BOUNDS)(reads())) out.push(chunk)
  return out
}

const digest = (c: Uint8Array): string => createHash('sha256').update(c).digest('hex')

describe('content-defined chunking (FastCDC)', () => {
  const data = new Uint8Array(randomBytes(4 * 1024 * KIB))

  it('gives the same chunks whatever sizes the file is read in, and they rebuild the file', async () => {
    const a = await chunksOf(data, 1024 * KIB)
    const b = await chunksOf(data, 7 * KIB + 3)
    assert.deepEqual(a.map(digest), b.map(digest))
    assert.deepEqual(Buffer.concat(a), Buffer.from(data))
  })

  it('keeps every chunk within its bounds (only the last may be short)', async () => {
    const chunks = await chunksOf(data, 64 * KIB)
    for (const [i, c] of chunks.entries()) {
      assert.ok(c.byteLength <= BOUNDS.maxBytes, `chunk ${i} is ${c.byteLength} bytes`)
      if (i < chunks.length - 1)
        assert.ok(c.byteLength > BOUNDS.minBytes, `chunk ${i} is ${c.byteLength} bytes`)
    }
    const avg = data.byteLength / chunks.length
    assert.ok(avg > BOUNDS.avgBytes / 2 && avg < BOUNDS.avgBytes * 2, `average chunk ${avg} bytes`)
  })

  it('an insert in the middle changes only the chunks around it, not every one after it', async () => {
    const at = data.byteLength / 2 + 777
    const edited = Buffer.concat([data.subarray(0, at), randomBytes(100), data.subarray(at)])
    const before = new Set((await chunksOf(data, 1024 * KIB)).map(digest))
    const after = (await chunksOf(edited, 1024 * KIB)).map(digest)
    const fresh = after.filter((d) => !before.has(d))
    assert.ok(fresh.length >= 1 && fresh.length <= 3, `${fresh.length} of ${after.length} chunks are new`)
  })

  it('handles files shorter than the minimum and empty files', async () => {
    assert.deepEqual(await chunksOf(new Uint8Array(0), 1024), [])
    const small = new Uint8Array(randomBytes(1000))
    const chunks = await chunksOf(small, 100)
    assert.equal(chunks.length, 1)
    assert.deepEqual(Buffer.from(chunks[0]!), Buffer.from(small))
  })

  it('refuses bounds that cannot work, with a code', () => {
    assert.throws(
      () => contentDefined({ minBytes: 1024, avgBytes: 3000, maxBytes: 8192 }),
      (err: unknown) => err instanceof ChunkerOptionsError && err.code === 'ERR_CHUNKER_OPTIONS'
    )
    assert.throws(() => contentDefined({ minBytes: 1024, avgBytes: 4096, maxBytes: 2 * 1024 * KIB }))
  })
})
