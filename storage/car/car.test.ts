import assert from 'node:assert/strict'
import { createHash, randomBytes } from 'node:crypto'
import { after, before, describe, it } from 'node:test'
import { CID } from 'multiformats/cid'
import * as raw from 'multiformats/codecs/raw'
import { sha256 } from 'multiformats/hashes/sha2'
import { type LocalHelia, startLocalHelia } from '../blocks/testing.js'
import { importBytes } from '../files/index.js'
import { decodeCar, encodeCar } from './car.js'
import { walkDag } from './dag-walk.js'

async function collect(chunks: AsyncIterable<Uint8Array>): Promise<Uint8Array> {
  const parts: Uint8Array[] = []
  for await (const c of chunks) parts.push(c)
  return Buffer.concat(parts)
}

describe('DAG walk and CARv1', () => {
  let local: LocalHelia
  let root: CID
  const data = randomBytes(3.5 * 1024 * 1024)

  before(async () => {
    local = await startLocalHelia()
    root = CID.parse((await importBytes(local.helia, data)).cid)
  })
  after(async () => {
    await local.stop()
  })

  it('writes a CAR whose every block hashes to its CID and whose leaves rebuild the file', async () => {
    const car = await collect(encodeCar([root], walkDag(local.helia, root, { offline: true })))
    const decoded = decodeCar(car)
    assert.deepEqual(
      decoded.roots.map((r) => r.toString()),
      [root.toString()]
    )
    assert.equal(decoded.blocks.length, 5, 'a root node and four 1 MiB leaves')
    assert.equal(decoded.blocks[0].cid.toString(), root.toString(), 'the root comes first')
    for (const block of decoded.blocks) {
      const digest = createHash('sha256').update(block.bytes).digest()
      assert.deepEqual(Buffer.from(block.cid.multihash.digest), digest, `block ${block.cid} matches its CID`)
    }
    const leaves = decoded.blocks.filter((b) => b.cid.code === raw.code)
    assert.ok(Buffer.concat(leaves.map((b) => b.bytes)).equals(data), 'leaves in order are the file')
  })

  it('stops a walk past its byte budget and reports a block that is not stored', async () => {
    await assert.rejects(
      collect(encodeCar([root], walkDag(local.helia, root, { offline: true, maxBytes: 2 * 1024 * 1024 }))),
      { code: 'ERR_DAG_TOO_LARGE' }
    )
    const absent = CID.createV1(raw.code, await sha256.digest(new TextEncoder().encode('never stored')))
    await assert.rejects(collect(encodeCar([absent], walkDag(local.helia, absent, { offline: true }))), {
      code: 'ERR_BLOCK_MISSING'
    })
  })

  it('refuses bytes that are not a CAR', () => {
    assert.throws(() => decodeCar(new Uint8Array([0x05, 1, 2])), { code: 'ERR_CAR_FORMAT' })
  })
})
