import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import type { CID } from 'multiformats/cid'
import { type LocalHelia, startLocalHelia } from '../blocks/testing.js'
import { importBytes, parseCid } from '../files/index.js'
import { holdPin, pinHolders, releasePin } from './pin-holders.js'

describe('one helia pin shared by an asset and other peers', () => {
  let node: LocalHelia
  let n = 0
  before(async () => {
    node = await startLocalHelia()
  })
  after(async () => {
    await node?.stop()
  })

  /** A fresh two-block DAG stored on the node, unpinned. */
  const dag = async (): Promise<CID> => {
    const bytes = new Uint8Array(1_500_000).fill(++n)
    return parseCid((await importBytes(node.helia, bytes)).cid)
  }
  const pins = () => node.helia.pins
  const gcKeeps = async (root: CID): Promise<boolean> => {
    await node.helia.gc()
    return node.helia.blockstore.has(root)
  }

  it('a remote pin that expires leaves the asset that pinned the same DAG after it', async () => {
    const root = await dag()
    await holdPin(pins(), root, 'remote')
    await holdPin(pins(), root, 'asset')
    assert.deepEqual([...(await pinHolders(pins(), root))].sort(), ['asset', 'remote'])
    await releasePin(pins(), root, 'remote')
    assert.deepEqual([...(await pinHolders(pins(), root))], ['asset'])
    assert.ok(await gcKeeps(root), 'the asset’s blocks survive gc')
  })

  it('an asset unpinned or removed leaves the pin other peers still hold', async () => {
    const root = await dag()
    await holdPin(pins(), root, 'asset')
    await holdPin(pins(), root, 'remote')
    await releasePin(pins(), root, 'asset')
    assert.deepEqual([...(await pinHolders(pins(), root))], ['remote'])
    assert.ok(await gcKeeps(root), 'the blocks kept for others survive gc')
    await releasePin(pins(), root, 'remote')
    assert.equal(await pins().isPinned(root), false)
    assert.equal(await gcKeeps(root), false, 'with no holder left gc frees the blocks')
  })

  it('a pin made before holders were recorded counts as the asset’s', async () => {
    const root = await dag()
    for await (const _ of pins().add(root)) {
      // an old asset pin, no metadata
    }
    await holdPin(pins(), root, 'remote')
    await releasePin(pins(), root, 'remote')
    assert.deepEqual([...(await pinHolders(pins(), root))], ['asset'])
    await releasePin(pins(), root, 'remote')
    assert.ok(await pins().isPinned(root), 'releasing a holder that holds nothing changes nothing')
  })
})
