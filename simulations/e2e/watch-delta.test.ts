import assert from 'node:assert/strict'
import { createCipheriv } from 'node:crypto'
import { readFile, stat, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import type { RynusNode } from '../../node/rynus-node.js'
import { silentLogger } from '../../protocols/common/logger.js'
import { AssetStore } from '../../storage/assets/index.js'
import { createNodeHelia, type NodeHelia } from '../../storage/blocks/index.js'
import { exportToFile } from '../../storage/files/index.js'
import { dialAddress, removeTempDirs, startTestNode, tempDataDir, waitFor } from './harness.js'

const MiB = 1024 * 1024

interface DataNode {
  node: RynusNode
  data: NodeHelia
}

async function withHelia(node: RynusNode): Promise<DataNode> {
  return {
    node,
    data: await createNodeHelia({ libp2p: node.libp2p, dataDir: node.dataDir, logger: silentLogger })
  }
}

/** Incompressible bytes that are the same every run (AES-CTR of zeros), so the figures repeat. */
function pseudoRandom(size: number, seed: number): Buffer {
  const cipher = createCipheriv('aes-256-ctr', Buffer.alloc(32, seed), Buffer.alloc(16))
  return Buffer.concat([cipher.update(Buffer.alloc(size)), cipher.final()])
}

/** Blocks the node stores and their bytes: a peer only gets blocks by fetching them. */
async function stored(n: DataNode): Promise<{ blocks: number; bytes: number }> {
  let blocks = 0
  let bytes = 0
  for await (const { bytes: parts } of n.data.helia.blockstore.getAll()) {
    blocks++
    for await (const part of parts) bytes += part.byteLength
  }
  return { blocks, bytes }
}

describe('a watched 64 MiB file edited in the middle: the peer re-fetches a few chunks', () => {
  let owner: DataNode
  let peer: DataNode
  let store: AssetStore
  let file: string
  let content: Buffer

  before(async () => {
    owner = await withHelia(await startTestNode({ bare: true }))
    peer = await withHelia(await startTestNode({ bare: true, bootstrap: [dialAddress(owner.node)] }))
    assert.ok(
      await waitFor(() => peer.node.libp2p.getConnections(owner.node.peerId).length > 0),
      'the peer connected to the owner'
    )
    // the owner's store watches by file-system events only (no periodic rescan), as soon as a write settles
    store = new AssetStore(
      { dataDir: owner.node.dataDir, quotaBytes: 0, watch: { debounceMs: 300, rescanMs: 0 } },
      { helia: owner.data.helia, logger: silentLogger }
    )
    await store.start()
    file = join(await tempDataDir(), 'scene.blend')
    content = pseudoRandom(64 * MiB, 1)
    await writeFile(file, content)
  })

  after(async () => {
    await store.stop()
    await Promise.all([peer.data.stop(), owner.data.stop()])
    await Promise.all([peer.node.stop(), owner.node.stop()])
    await removeTempDirs()
  })

  /**
   * Waits until the watcher, by itself, has recorded the file as it is on disk now, fetches
   * that version on the peer, checks it, and returns what moved.
   */
  async function fetchNextVersion(version: number): Promise<{ blocks: number; bytes: number; cid: string }> {
    const { mtimeMs, size } = await stat(file)
    const caughtUp = async (): Promise<boolean> => {
      const recorded = (await store.watches())[0]?.files['']
      return recorded?.mtime === mtimeMs && recorded.size === size
    }
    assert.ok(await waitFor(caughtUp, 20_000), `the watcher recorded version ${version} by itself`)
    const [watch] = await store.watches()
    assert.ok(watch!.version >= version)
    const before = await stored(peer)
    const dest = join(peer.node.dataDir, `scene-v${version}.blend`)
    await exportToFile(peer.data.helia, watch!.cid, dest, { timeoutMs: 30_000 })
    assert.ok(content.equals(await readFile(dest)), `the peer holds version ${version} byte for byte`)
    const now = await stored(peer)
    return { blocks: now.blocks - before.blocks, bytes: now.bytes - before.bytes, cid: watch!.cid }
  }

  it('the first fetch moves the whole file', async (t) => {
    await store.watch(file, { compress: 'none' })
    const moved = await fetchNextVersion(1)
    t.diagnostic(`first fetch: ${moved.blocks} blocks, ${(moved.bytes / MiB).toFixed(2)} MiB`)
    assert.ok(moved.bytes >= 64 * MiB)
  })

  it('after 1 MiB is overwritten in the middle, the second fetch moves a few blocks, not 64 MiB', async (t) => {
    pseudoRandom(MiB, 2).copy(content, 32 * MiB + 123_457)
    await writeFile(file, content)
    const moved = await fetchNextVersion(2)
    t.diagnostic(
      `after a 1 MiB overwrite: ${moved.blocks} blocks, ${(moved.bytes / MiB).toFixed(2)} MiB moved`
    )
    // the edited MiB, the chunks it cuts into on either side (≤ 1 MiB each) and the file's root
    assert.ok(moved.blocks <= 12, `${moved.blocks} blocks moved`)
    assert.ok(moved.bytes <= 5 * MiB, `${(moved.bytes / MiB).toFixed(2)} MiB moved`)
  })

  it('after 100 bytes are inserted in the middle, the next fetch moves about one chunk', async (t) => {
    const at = 20 * MiB + 777
    content = Buffer.concat([content.subarray(0, at), pseudoRandom(100, 3), content.subarray(at)])
    await writeFile(file, content)
    const moved = await fetchNextVersion(3)
    t.diagnostic(
      `after a 100-byte insert: ${moved.blocks} blocks, ${(moved.bytes / MiB).toFixed(2)} MiB moved`
    )
    assert.ok(moved.blocks <= 4, `${moved.blocks} blocks moved`)
    assert.ok(moved.bytes <= 3 * MiB, `${(moved.bytes / MiB).toFixed(2)} MiB moved`)
  })
})
