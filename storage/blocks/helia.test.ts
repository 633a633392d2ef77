import assert from 'node:assert/strict'
import { randomBytes } from 'node:crypto'
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import type { Libp2p } from '@libp2p/interface'
import { createLibp2p } from 'libp2p'
import { BITSWAP_PROTOCOL } from '../../protocols/bitswap/index.js'
import { silentLogger } from '../../protocols/common/logger.js'
import { exportToFile, hasAll, importBytes } from '../files/index.js'
import { BLOCK_FILES_DIR, BLOCKS_DIR, HELIA_DATASTORE_DIR } from './constants.js'
import { createNodeHelia } from './helia.js'

describe('helia on the node libp2p', () => {
  let dataDir: string
  let libp2p: Libp2p

  before(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'rynus-helia-'))
    libp2p = await createLibp2p({})
  })
  after(async () => {
    await libp2p.stop()
    await rm(dataDir, { recursive: true, force: true })
  })

  it('serves bitswap on the given libp2p and leaves libp2p running when stopped', async () => {
    const node = await createNodeHelia({ libp2p, dataDir, logger: silentLogger })
    assert.ok(libp2p.getProtocols().includes(BITSWAP_PROTOCOL), 'bitswap is registered on the node libp2p')
    await node.stop()
    assert.equal(libp2p.getProtocols().includes(BITSWAP_PROTOCOL), false, 'bitswap is unregistered')
    assert.equal(libp2p.status, 'started', 'libp2p belongs to the node and keeps running')
    await node.stop() // a second stop is harmless
  })

  it('keeps blocks in <dataDir>/blocks across a restart', async () => {
    const data = randomBytes(1.5 * 1024 * 1024)
    const first = await createNodeHelia({ libp2p, dataDir, logger: silentLogger })
    const { cid } = await importBytes(first.helia, data)
    await first.stop()
    assert.deepEqual(
      (await readdir(dataDir)).sort(),
      [BLOCK_FILES_DIR, BLOCKS_DIR, HELIA_DATASTORE_DIR].sort()
    )

    const again = await createNodeHelia({ libp2p, dataDir, logger: silentLogger })
    try {
      assert.equal(await hasAll(again.helia, cid), true)
      const dest = join(dataDir, 'out.bin')
      await exportToFile(again.helia, cid, dest, { offline: true })
      assert.ok(data.equals(await readFile(dest)))
    } finally {
      await again.stop()
    }
  })
})
