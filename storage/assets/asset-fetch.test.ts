import assert from 'node:assert/strict'
import { randomBytes } from 'node:crypto'
import { mkdir, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { silentLogger } from '../../protocols/common/logger.js'
import { importBytes, importDirectory } from '../files/index.js'
import { type BlocksNode, startBlocksNode } from '../transfers/testing.js'
import { AssetStore } from './asset-store.js'
import type { AssetProgress } from './progress.js'

async function collect(source: AsyncIterable<Uint8Array>): Promise<Buffer> {
  const parts: Uint8Array[] = []
  for await (const p of source) parts.push(p)
  return Buffer.concat(parts)
}

describe('AssetStore.fetch: an asset by CID from peers', () => {
  let provider: BlocksNode
  let fetcher: BlocksNode
  let store: AssetStore
  before(async () => {
    provider = await startBlocksNode()
    fetcher = await startBlocksNode()
    await fetcher.libp2p.dial(provider.libp2p.getMultiaddrs()[0])
    store = new AssetStore(
      { dataDir: fetcher.dir, quotaBytes: 0 },
      { helia: fetcher.helia, logger: silentLogger }
    )
    await store.start()
  })
  after(async () => {
    await store.stop()
    await fetcher.remove()
    await provider.remove()
  })

  it('records a fetched file as a raw asset, reports fetch progress, and serves it', async () => {
    const data = randomBytes(5 * 1024 * 1024 + 17)
    const { cid } = await importBytes(provider.helia, data)
    const seen: AssetProgress[] = []
    const record = await store.fetch(cid, { name: 'scene.blend', pin: true, onProgress: (p) => seen.push(p) })
    assert.deepEqual(
      [record.cid, record.name, record.kind, record.size, record.codec, record.pinned],
      [cid, 'scene.blend', 'file', data.byteLength, 'none', true]
    )
    assert.equal(seen.at(-1)?.phase, 'fetch')
    assert.equal(seen.at(-1)?.done, true)
    assert.equal(seen.at(-1)?.bytes, data.byteLength)
    assert.deepEqual(
      (await store.list()).map((a) => a.cid),
      [cid]
    )
    const { body } = await store.content(cid)
    assert.ok(data.equals(await collect(body)), 'the asset reads back byte-equal')
    assert.equal(
      (await store.fetch(cid)).addedAt,
      record.addedAt,
      'a second fetch returns the asset as it is'
    )
  })

  it('fetches a folder tree', async () => {
    const dir = join(provider.dir, 'tree')
    await mkdir(join(dir, 'sub'), { recursive: true })
    await writeFile(join(dir, 'a.txt'), 'alpha')
    await writeFile(join(dir, 'sub', 'b.bin'), randomBytes(2 * 1024 * 1024))
    const { cid, size } = await importDirectory(provider.helia, dir)
    const record = await store.fetch(cid)
    assert.equal(record.kind, 'folder')
    assert.equal(record.size, size)
    const out = join(fetcher.dir, 'tree-out')
    await store.exportTo(cid, out)
  })
})
