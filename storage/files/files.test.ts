import assert from 'node:assert/strict'
import { randomBytes } from 'node:crypto'
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { unixfs } from '@helia/unixfs'
import { CID } from 'multiformats/cid'
import { type LocalHelia, startLocalHelia } from '../blocks/testing.js'
import {
  CHUNK_SIZE_BYTES,
  exportDirectory,
  exportToFile,
  hasAll,
  importBytes,
  importDirectory,
  importFile,
  type TransferProgress
} from './index.js'

const RAW_CODE = 0x55
const DAG_PB_CODE = 0x70

async function blockBytes(h: LocalHelia, cid: CID): Promise<Uint8Array> {
  const parts: Uint8Array[] = []
  for await (const part of h.helia.blockstore.get(cid, { offline: true })) parts.push(part)
  return Buffer.concat(parts)
}

async function rootLinks(h: LocalHelia, cid: CID): Promise<CID[]> {
  const codec = await h.helia.getCodec(DAG_PB_CODE)
  const node = codec.decode(await blockBytes(h, cid)) as { Links: Array<{ Hash: CID }> }
  return node.Links.map((l) => l.Hash)
}

describe('importing and exporting files', () => {
  let h: LocalHelia
  before(async () => {
    h = await startLocalHelia()
  })
  after(async () => {
    await h.stop()
  })

  it('round-trips a file bigger than one chunk, byte for byte, as 1 MiB raw leaves', async () => {
    const data = randomBytes(2 * CHUNK_SIZE_BYTES + 12_345)
    const src = join(h.dir, 'scene.blend')
    await writeFile(src, data)
    const imported: TransferProgress[] = []
    const { cid, size } = await importFile(h.helia, src, { onProgress: (p) => imported.push(p) })
    assert.equal(size, data.byteLength)
    assert.deepEqual(imported.at(-1), { bytes: data.byteLength, totalBytes: data.byteLength })

    const root = CID.parse(cid)
    assert.equal(root.version, 1)
    assert.equal(root.code, DAG_PB_CODE, 'a multi-chunk file has a dag-pb root')
    const leaves = await rootLinks(h, root)
    assert.equal(leaves.length, 3, 'three leaves for 2 MiB + 12 KiB')
    assert.ok(
      leaves.every((l) => l.code === RAW_CODE),
      'leaves are raw blocks'
    )
    assert.deepEqual(await Promise.all(leaves.map(async (l) => (await blockBytes(h, l)).byteLength)), [
      CHUNK_SIZE_BYTES,
      CHUNK_SIZE_BYTES,
      12_345
    ])

    const exported: TransferProgress[] = []
    const dest = join(h.dir, 'out', 'nested', 'scene.blend')
    const result = await exportToFile(h.helia, cid, dest, { onProgress: (p) => exported.push(p) })
    assert.deepEqual(result, { cid, size: data.byteLength })
    assert.ok(data.equals(await readFile(dest)), 'exported bytes equal the original')
    assert.deepEqual(exported.at(-1), { bytes: data.byteLength, totalBytes: data.byteLength, phase: 'write' })
    assert.deepEqual(await readdir(join(h.dir, 'out', 'nested')), ['scene.blend'], 'no temporary file left')
  })

  it('gives the same CID to the same bytes from a file or from memory; a small file is one raw block', async () => {
    const data = randomBytes(5000)
    const src = join(h.dir, 'frame_0001.png')
    await writeFile(src, data)
    const fromFile = await importFile(h.helia, src)
    const fromBytes = await importBytes(h.helia, data)
    assert.deepEqual(fromFile, fromBytes)
    assert.equal(CID.parse(fromFile.cid).code, RAW_CODE)
    const dest = join(h.dir, 'frame-copy.png')
    await exportToFile(h.helia, fromFile.cid, dest)
    assert.ok(data.equals(await readFile(dest)))
  })

  it('an empty file round-trips', async () => {
    const src = join(h.dir, 'empty.txt')
    await writeFile(src, '')
    const { cid, size } = await importFile(h.helia, src)
    assert.equal(size, 0)
    const dest = join(h.dir, 'empty-copy.txt')
    await exportToFile(h.helia, cid, dest)
    assert.equal((await readFile(dest)).byteLength, 0)
  })

  it('hasAll tells whether every block of a file is stored locally', async () => {
    // another node holds the file; this one received every block but the middle leaf
    const other = await startLocalHelia()
    try {
      const { cid } = await importBytes(other.helia, randomBytes(3 * CHUNK_SIZE_BYTES))
      const root = CID.parse(cid)
      const [first, middle, last] = await rootLinks(other, root)
      assert.equal(await hasAll(other.helia, cid), true)
      for (const block of [root, first, last])
        await h.helia.blockstore.put(block, await blockBytes(other, block))
      assert.equal(await hasAll(h.helia, cid), false, 'the missing middle leaf is noticed')
      await h.helia.blockstore.put(middle, await blockBytes(other, middle))
      assert.equal(await hasAll(h.helia, cid), true)
    } finally {
      await other.stop()
    }
  })

  it('a failed export leaves an existing file untouched and no temporary file behind', async () => {
    const other = await startLocalHelia()
    try {
      const { cid } = await importBytes(other.helia, randomBytes(3 * CHUNK_SIZE_BYTES))
      const root = CID.parse(cid)
      const [first, , last] = await rootLinks(other, root)
      for (const block of [root, first, last])
        await h.helia.blockstore.put(block, await blockBytes(other, block))

      const outDir = join(h.dir, 'partial-check')
      await mkdir(outDir)
      const dest = join(outDir, 'result.bin')
      await writeFile(dest, 'previous result')
      const seen: TransferProgress[] = []
      await assert.rejects(
        exportToFile(h.helia, cid, dest, { offline: true, onProgress: (p) => seen.push(p) }),
        {
          code: 'ERR_NOT_STORED_LOCALLY'
        }
      )
      assert.ok(seen.length > 0, 'the first chunk had been written before the failure')
      assert.equal(await readFile(dest, 'utf8'), 'previous result', 'the old file is untouched')
      assert.deepEqual(await readdir(outDir), ['result.bin'], 'the temporary file was removed')
    } finally {
      await other.stop()
    }
  })
})

describe('importing and exporting folders', () => {
  let h: LocalHelia
  before(async () => {
    h = await startLocalHelia()
  })
  after(async () => {
    await h.stop()
  })

  it('round-trips a folder tree with nested and empty folders', async () => {
    const src = join(h.dir, 'job')
    const files: Record<string, Buffer> = {
      'scene.blend': randomBytes(CHUNK_SIZE_BYTES + 99),
      'textures/wood.png': randomBytes(4096),
      'textures/deep/metal.exr': randomBytes(10)
    }
    await mkdir(join(src, 'textures', 'deep'), { recursive: true })
    await mkdir(join(src, 'cache'))
    for (const [path, data] of Object.entries(files)) await writeFile(join(src, path), data)
    const total = Object.values(files).reduce((sum, d) => sum + d.byteLength, 0)

    const { cid, size } = await importDirectory(h.helia, src)
    assert.equal(size, total)
    const dest = join(h.dir, 'fetched', 'job')
    const result = await exportDirectory(h.helia, cid, dest)
    assert.deepEqual(result, { cid, size: total })
    for (const [path, data] of Object.entries(files)) {
      assert.ok(data.equals(await readFile(join(dest, path))), `${path} is byte-equal`)
    }
    assert.deepEqual(await readdir(join(dest, 'cache')), [], 'the empty folder exists')
    assert.deepEqual(await readdir(join(h.dir, 'fetched')), ['job'], 'no temporary folder left')
  })

  it('refuses to export into a non-empty folder', async () => {
    const { cid } = await importDirectory(h.helia, join(h.dir, 'job'))
    const dest = join(h.dir, 'busy')
    await mkdir(dest)
    await writeFile(join(dest, 'keep.txt'), 'mine')
    await assert.rejects(exportDirectory(h.helia, cid, dest), { code: 'ERR_DESTINATION' })
    assert.deepEqual(await readdir(dest), ['keep.txt'])
  })

  it('refuses a fetched folder whose entry would escape the destination', async () => {
    const fs = unixfs(h.helia)
    const payload = await fs.addBytes(new TextEncoder().encode('escaped'))
    const hostile = await fs.cp(payload, await fs.addDirectory(), '..')
    const dest = join(h.dir, 'hostile', 'inner')
    await assert.rejects(exportDirectory(h.helia, hostile, dest), { code: 'ERR_UNSAFE_PATH' })
    assert.deepEqual(await readdir(join(h.dir, 'hostile')), [], 'nothing written next to the destination')
  })
})
