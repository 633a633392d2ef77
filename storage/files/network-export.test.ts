import assert from 'node:assert/strict'
import { randomBytes } from 'node:crypto'
import { readdir, readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { afterEach, describe, it } from 'node:test'
import * as dagPb from '@ipld/dag-pb'
import { UnixFS } from 'ipfs-unixfs'
import { CID } from 'multiformats/cid'
import * as raw from 'multiformats/codecs/raw'
import { sha256 } from 'multiformats/hashes/sha2'
import { fetchDag } from '../transfers/fetch-dag.js'
import { type BlocksNode, startBlocksNode } from '../transfers/testing.js'
import { CHUNK_SIZE_BYTES } from './constants.js'
import { exportToFile, importBytes } from './index.js'

const MiB = 1024 * 1024

describe('exportToFile from another node', () => {
  const started: BlocksNode[] = []
  afterEach(async () => {
    await Promise.all(started.splice(0).map((n) => n.remove()))
  })

  async function pair(data: Uint8Array): Promise<{ fetcher: BlocksNode; cid: string }> {
    const [provider, fetcher] = [await startBlocksNode(), await startBlocksNode()]
    started.push(provider, fetcher)
    const { cid } = await importBytes(provider.helia, data)
    await fetcher.libp2p.dial(provider.libp2p.getMultiaddrs()[0])
    return { fetcher, cid }
  }

  it('writes the file as its blocks arrive, byte-equal, leaving no temporary file', async () => {
    const data = randomBytes(9 * MiB + 123)
    const { fetcher, cid } = await pair(data)
    const dest = join(fetcher.dir, 'out', 'file.bin')
    const phases: string[] = []
    const result = await exportToFile(fetcher.helia, cid, dest, {
      onProgress: (p) => phases.push(p.phase ?? '')
    })
    assert.equal(result.size, data.byteLength)
    assert.ok(data.equals(await readFile(dest)))
    assert.deepEqual(await readdir(join(fetcher.dir, 'out')), ['file.bin'], 'no partial file is left')
    assert.ok(phases.includes('fetch'))
    // written during the fetch: one closing 'write' report, not a second pass reading blocks back
    assert.equal(phases.filter((p) => p === 'write').length, 1)
  })

  it('writes a file whose chunks repeat (one block at several offsets) in full', async () => {
    const chunk = randomBytes(CHUNK_SIZE_BYTES)
    // leaves 0, 1 and 3 are the same block
    const data = Buffer.concat([chunk, chunk, randomBytes(CHUNK_SIZE_BYTES), chunk, randomBytes(1000)])
    const { fetcher, cid } = await pair(data)
    const dest = join(fetcher.dir, 'repeats.bin')
    const phases: string[] = []
    const result = await exportToFile(fetcher.helia, cid, dest, {
      onProgress: (p) => phases.push(p.phase ?? '')
    })
    assert.equal(result.size, data.byteLength)
    assert.ok(data.equals(await readFile(dest)))
    // every place of the repeated block was written during the fetch: no second pass
    assert.equal(phases.filter((p) => p === 'write').length, 1)
  })

  it('writes a file whose tree repeats a whole subtree at every place, in one pass', async () => {
    const [provider, fetcher] = [await startBlocksNode(), await startBlocksNode()]
    started.push(provider, fetcher)
    const put = async (bytes: Uint8Array, code: number): Promise<CID> => {
      const cid = CID.createV1(code, await sha256.digest(bytes))
      await provider.helia.blockstore.put(cid, bytes)
      return cid
    }
    const fileNode = async (links: CID[], sizes: number[]): Promise<CID> =>
      put(
        dagPb.encode({
          Data: new UnixFS({ type: 'file', blockSizes: sizes.map(BigInt) }).marshal(),
          Links: links.map((Hash, i) => ({ Hash, Name: '', Tsize: sizes[i] }))
        }),
        dagPb.code
      )
    const [a, b, c] = [randomBytes(3000), randomBytes(2000), randomBytes(500)]
    const [la, lb, lc] = await Promise.all([a, b, c].map((bytes) => put(bytes, raw.code)))
    // root → [S, c, S] with S → [a, b]: the file is a b c a b
    const sub = await fileNode([la, lb], [3000, 2000])
    const root = await fileNode([sub, lc, sub], [5000, 500, 5000])
    await fetcher.libp2p.dial(provider.libp2p.getMultiaddrs()[0])
    const dest = join(fetcher.dir, 'subtrees.bin')
    const phases: string[] = []
    await exportToFile(fetcher.helia, root, dest, { onProgress: (p) => phases.push(p.phase ?? '') })
    assert.ok(Buffer.concat([a, b, c, a, b]).equals(await readFile(dest)))
    assert.equal(phases.filter((p) => p === 'write').length, 1, 'no second pass from the store')

    // a block already written when a later node places it again is read back and written there
    const d = randomBytes(700)
    const ld = await put(d, raw.code)
    const inner = await fileNode([ld, la], [700, 3000])
    const again = await fileNode([la, inner], [3000, 3700])
    await fetcher.helia.blockstore.put(la, a) // here before the fetch: written as soon as it is seen
    const dest2 = join(fetcher.dir, 'again.bin')
    const phases2: string[] = []
    await exportToFile(fetcher.helia, again, dest2, { onProgress: (p) => phases2.push(p.phase ?? '') })
    assert.ok(Buffer.concat([a, d, a]).equals(await readFile(dest2)))
    assert.equal(phases2.filter((p) => p === 'write').length, 1, 'no second pass from the store')
  })

  it('writes a file whose node misstates its children’s sizes as its leaves read, not at the stated offsets', async () => {
    const [provider, fetcher] = [await startBlocksNode(), await startBlocksNode()]
    started.push(provider, fetcher)
    const [a, b] = [randomBytes(1000), randomBytes(2000)]
    const leaves = await Promise.all(
      [a, b].map(async (bytes) => {
        const cid = CID.createV1(raw.code, await sha256.digest(bytes))
        await provider.helia.blockstore.put(cid, bytes)
        return cid
      })
    )
    // sizes swapped: the total is right, every offset after the first leaf is wrong
    const meta = new UnixFS({ type: 'file', blockSizes: [2000n, 1000n] })
    const node = dagPb.encode({
      Data: meta.marshal(),
      Links: leaves.map((cid, i) => ({ Hash: cid, Name: '', Tsize: [1000, 2000][i] }))
    })
    const root = CID.createV1(dagPb.code, await sha256.digest(node))
    await provider.helia.blockstore.put(root, node)
    await fetcher.libp2p.dial(provider.libp2p.getMultiaddrs()[0])
    const dest = join(fetcher.dir, 'misstated.bin')
    await exportToFile(fetcher.helia, root, dest)
    assert.ok(
      Buffer.concat([a, b]).equals(await readFile(dest)),
      'the leaves in order, as a reader sees them'
    )
  })

  it('writes the blocks stored before the fetch as well (a resumed download)', async () => {
    const data = randomBytes(6 * MiB)
    const { fetcher, cid } = await pair(data)
    // the first 3 MiB are already here: a file that shares the first chunks
    const head = data.subarray(0, 3 * CHUNK_SIZE_BYTES)
    await importBytes(fetcher.helia, head)
    const dest = join(fetcher.dir, 'resumed.bin')
    await exportToFile(fetcher.helia, cid, dest)
    assert.ok(data.equals(await readFile(dest)))
    const again = await fetchDag(fetcher.helia, cid)
    assert.equal(again.fetchedBlocks, 0)
  })
})
