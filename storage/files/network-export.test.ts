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
    const data = Buffer.concat([chunk, randomBytes(1000), chunk, chunk, randomBytes(CHUNK_SIZE_BYTES - 1000)])
    const { fetcher, cid } = await pair(data)
    const dest = join(fetcher.dir, 'repeats.bin')
    assert.equal((await exportToFile(fetcher.helia, cid, dest)).size, data.byteLength)
    assert.ok(data.equals(await readFile(dest)))
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
