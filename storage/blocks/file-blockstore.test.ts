import assert from 'node:assert/strict'
import { randomBytes } from 'node:crypto'
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { LevelBlockstore } from 'blockstore-level'
import { CID } from 'multiformats/cid'
import * as raw from 'multiformats/codecs/raw'
import { sha256 } from 'multiformats/hashes/sha2'
import { LARGE_BLOCK_BYTES } from './constants.js'
import { FileBlockstore } from './file-blockstore.js'

async function rawBlock(bytes: Uint8Array): Promise<CID> {
  return CID.createV1(raw.code, await sha256.digest(bytes))
}

async function read(store: FileBlockstore, cid: CID): Promise<Buffer> {
  const parts: Uint8Array[] = []
  for await (const p of store.get(cid)) parts.push(p)
  return Buffer.concat(parts)
}

describe('FileBlockstore', () => {
  let dir: string
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'rynus-fileblocks-'))
  })
  after(async () => {
    await rm(dir, { recursive: true, force: true })
  })

  it('keeps large blocks as files and small ones in level, and reads back blocks level held before', async () => {
    const levelDir = join(dir, 'level')
    const files = join(dir, 'files')
    // a block stored by an older node, straight in level
    const old = randomBytes(LARGE_BLOCK_BYTES * 2)
    const oldCid = await rawBlock(old)
    const level = new LevelBlockstore(levelDir)
    await level.open()
    await level.put(oldCid, old)
    await level.close()

    // what a write killed before its rename left behind
    await mkdir(join(files, '.partial'), { recursive: true })
    await writeFile(join(files, '.partial', 'killed-write'), randomBytes(10))

    const store = new FileBlockstore(files, new LevelBlockstore(levelDir))
    await store.open()
    assert.deepEqual(await readdir(join(files, '.partial')), [], 'leftovers of killed writes are removed')
    try {
      const big = randomBytes(1024 * 1024)
      const small = randomBytes(100)
      const [bigCid, smallCid] = await Promise.all([rawBlock(big), rawBlock(small)])
      await store.put(bigCid, big)
      await store.put(smallCid, [small.subarray(0, 50), small.subarray(50)])

      const shards = (await readdir(files)).filter((d) => d !== '.partial')
      assert.equal(shards.length, 1, 'one file, in one shard folder')
      assert.equal((await readdir(join(files, shards[0]))).length, 1)
      assert.ok(big.equals(await read(store, bigCid)))
      assert.ok(small.equals(await read(store, smallCid)))
      assert.ok(old.equals(await read(store, oldCid)), 'a block level held before is still read')
      assert.deepEqual(await Promise.all([bigCid, smallCid, oldCid].map((c) => store.has(c))), [
        true,
        true,
        true
      ])

      const listed: string[] = []
      for await (const { cid } of store.getAll()) listed.push(cid.toString())
      assert.deepEqual(listed.sort(), [bigCid, smallCid, oldCid].map(String).sort())

      await store.delete(bigCid)
      await store.delete(oldCid)
      assert.deepEqual(await Promise.all([bigCid, smallCid, oldCid].map((c) => store.has(c))), [
        false,
        true,
        false
      ])
      await assert.rejects(read(store, bigCid), { name: 'NotFoundError' })
    } finally {
      await store.close()
    }
  })
})
