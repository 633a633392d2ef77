import assert from 'node:assert/strict'
import { randomBytes } from 'node:crypto'
import { mkdtemp, open, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, it } from 'node:test'
import { writePieces } from './write-pieces.js'

describe('writePieces', () => {
  it('writes pieces (empty ones and more than one writev takes) at a position, leaving the rest of the file', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'rynus-pieces-'))
    try {
      const file = join(dir, 'f')
      const before = randomBytes(10_000)
      const pieces = Array.from({ length: 3000 }, (_, i) => randomBytes(i % 7 === 0 ? 0 : 1 + (i % 50)))
      const handle = await open(file, 'w+')
      try {
        await handle.write(before, 0, before.byteLength, 0)
        const written = await writePieces(handle, pieces, 100)
        assert.equal(
          written,
          pieces.reduce((n, p) => n + p.byteLength, 0)
        )
      } finally {
        await handle.close()
      }
      const joined = Buffer.concat(pieces)
      const after = await readFile(file)
      assert.ok(after.subarray(0, 100).equals(before.subarray(0, 100)), 'bytes before the position kept')
      assert.ok(after.subarray(100, 100 + joined.byteLength).equals(joined), 'the pieces in order')
      assert.ok(after.subarray(100 + joined.byteLength).equals(before.subarray(100 + joined.byteLength)))
    } finally {
      await rm(dir, { recursive: true, force: true })
    }
  })
})
