import assert from 'node:assert/strict'
import { randomBytes } from 'node:crypto'
import { after, before, describe, it } from 'node:test'
import { unixfs } from '@helia/unixfs'
import type { Helia } from 'helia'
import { fixedSize } from 'ipfs-unixfs-importer/chunker'
import { balanced } from 'ipfs-unixfs-importer/layout'
import { CID } from 'multiformats/cid'
import { type LocalHelia, startLocalHelia } from '../blocks/testing.js'
import { importBytes } from '../files/index.js'
import { BLOCK_READ_CONCURRENCY } from './constants.js'
import { readLocalFile } from './local-read.js'

describe('reading a stored file in order with bounded read-ahead', () => {
  let h: LocalHelia
  before(async () => {
    h = await startLocalHelia()
  })
  after(async () => {
    await h.stop()
  })

  it('gives the bytes of a deep tree (many levels, inline-free raw leaves) in order', async () => {
    const data = randomBytes(300_000)
    const cid = await unixfs(h.helia).addBytes(data, {
      cidVersion: 1,
      rawLeaves: true,
      chunker: fixedSize({ chunkSize: 1000 }),
      layout: balanced({ maxChildrenPerNode: 4 })
    })
    const parts: Uint8Array[] = []
    for await (const p of readLocalFile(h.helia, cid)) parts.push(p)
    assert.ok(data.equals(Buffer.concat(parts)))
    const small = randomBytes(10)
    const one = await importBytes(h.helia, small)
    const got: Uint8Array[] = []
    for await (const p of readLocalFile(h.helia, CID.parse(one.cid))) got.push(p)
    assert.ok(small.equals(Buffer.concat(got)), 'a single raw block')
  })

  it('reads only a few blocks ahead of a slow reader', async () => {
    const { cid } = await importBytes(h.helia, randomBytes(40 * 1024 * 1024))
    let reads = 0
    const counting = {
      blockstore: {
        get: (c: CID, o: unknown) => {
          reads++
          return h.helia.blockstore.get(c, o as never)
        }
      }
    } as unknown as Helia
    const it = readLocalFile(counting, CID.parse(cid))
    await it.next()
    await it.next()
    await new Promise((r) => setTimeout(r, 200))
    assert.ok(reads <= 1 + 2 + BLOCK_READ_CONCURRENCY, `${reads} blocks read for 2 chunks taken`)
    await it.return(undefined)
  })
})
