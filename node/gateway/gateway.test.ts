import assert from 'node:assert/strict'
import { createHash, randomBytes } from 'node:crypto'
import { after, before, describe, it } from 'node:test'
import { unixfs } from '@helia/unixfs'
import * as dagPb from '@ipld/dag-pb'
import { CID } from 'multiformats/cid'
import { silentLogger } from '../../protocols/common/logger.js'
import { type LocalHelia, startLocalHelia } from '../../storage/blocks/testing.js'
import { decodeCar } from '../../storage/car/index.js'
import { importBytes } from '../../storage/files/index.js'
import { TrustlessGateway } from './gateway.js'

const PNG = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])

function sha256(bytes: Uint8Array): Buffer {
  return createHash('sha256').update(bytes).digest()
}

describe('trustless HTTP gateway over the node blocks', () => {
  let local: LocalHelia
  let gateway: TrustlessGateway
  let base: string
  const image = Buffer.concat([PNG, randomBytes(2.2 * 1024 * 1024)])
  let cid: string

  before(async () => {
    local = await startLocalHelia()
    cid = (await importBytes(local.helia, image)).cid
    gateway = new TrustlessGateway(
      { host: '127.0.0.1', port: 0 },
      { helia: local.helia, logger: silentLogger }
    )
    await gateway.start()
    base = gateway.url()
  })
  after(async () => {
    await gateway.stop()
    await local.stop()
  })

  it('serves a UnixFS file as its bytes with a sniffed type and immutable caching', async () => {
    const res = await fetch(`${base}/ipfs/${cid}`)
    assert.equal(res.status, 200)
    assert.ok(Buffer.from(await res.arrayBuffer()).equals(image))
    assert.equal(res.headers.get('content-type'), 'image/png')
    assert.equal(res.headers.get('content-length'), String(image.byteLength))
    assert.equal(res.headers.get('etag'), `"${cid}"`)
    assert.equal(res.headers.get('x-content-type-options'), 'nosniff')
    assert.match(res.headers.get('cache-control') ?? '', /immutable/)

    const again = await fetch(`${base}/ipfs/${cid}`, { headers: { 'if-none-match': `"${cid}"` } })
    assert.equal(again.status, 304)
    const head = await fetch(`${base}/ipfs/${cid}?filename=frame_0001.png&download=true`, { method: 'HEAD' })
    assert.equal(head.status, 200)
    assert.equal(head.headers.get('content-length'), String(image.byteLength))
    assert.match(head.headers.get('content-disposition') ?? '', /^attachment; filename="frame_0001.png"/)
    assert.equal((await head.arrayBuffer()).byteLength, 0)
  })

  it('serves the single block for application/vnd.ipld.raw, hashing to its CID', async () => {
    const res = await fetch(`${base}/ipfs/${cid}`, { headers: { accept: 'application/vnd.ipld.raw' } })
    assert.equal(res.status, 200)
    assert.equal(res.headers.get('content-type'), 'application/vnd.ipld.raw')
    assert.equal(res.headers.get('etag'), `"${cid}.raw"`)
    const block = new Uint8Array(await res.arrayBuffer())
    assert.deepEqual(sha256(block), Buffer.from(CID.parse(cid).multihash.digest))
  })

  it('serves the DAG as a CARv1 whose blocks each hash to their CID', async () => {
    const res = await fetch(`${base}/ipfs/${cid}?format=car`)
    assert.equal(res.status, 200)
    assert.match(res.headers.get('content-type') ?? '', /^application\/vnd\.ipld\.car; version=1/)
    const car = decodeCar(new Uint8Array(await res.arrayBuffer()))
    assert.deepEqual(car.roots.map(String), [cid])
    assert.equal(car.blocks.length, 4, 'a root and three 1 MiB leaves')
    for (const b of car.blocks) assert.deepEqual(sha256(b.bytes), Buffer.from(b.cid.multihash.digest))
    const leaves = car.blocks.filter((b) => b.cid.code === 0x55).map((b) => b.bytes)
    assert.ok(Buffer.concat(leaves).equals(image), 'the leaves rebuild the file')
  })

  it('answers a bad CID with 400, content it does not store with 404, writes with 405', async () => {
    const bad = await fetch(`${base}/ipfs/not-a-cid`)
    assert.equal(bad.status, 400)
    assert.match(await bad.text(), /"not-a-cid" is not a valid CID/)
    const absent = 'bafkreigh2akiscaildcqabsyg3dfr6chu3fgpregiymsck7e7aqa4s52zy'
    const missing = await fetch(`${base}/ipfs/${absent}?format=car`)
    assert.equal(missing.status, 404)
    assert.match(await missing.text(), /is not stored on this gateway/)
    const post = await fetch(`${base}/ipfs/${cid}`, { method: 'POST', body: 'x' })
    assert.equal(post.status, 405)
    assert.equal(post.headers.get('allow'), 'GET, HEAD')
    assert.equal((await fetch(`${base}/ipfs/${cid}?format=tar`)).status, 400)
  })

  it('follows a path inside a folder, sharded folders too, and proves it in a CAR', async () => {
    const notes = Buffer.from('rendered on rynus\n')
    const entries = [
      { path: 'renders/frame_0001.png', content: image },
      { path: 'renders/notes.txt', content: notes }
    ]
    let folder: CID | undefined
    for await (const e of unixfs(local.helia).addAll(entries, { wrapWithDirectory: true, rawLeaves: true }))
      folder = e.cid
    const res = await fetch(`${base}/ipfs/${folder}/renders/frame_0001.png`)
    assert.equal(res.status, 200)
    assert.equal(res.headers.get('content-type'), 'image/png')
    assert.ok(Buffer.from(await res.arrayBuffer()).equals(image))
    assert.equal(res.headers.get('x-ipfs-path'), `/ipfs/${folder}/renders/frame_0001.png`)
    assert.equal(res.headers.get('x-ipfs-roots')?.split(',')[0], String(folder))
    assert.equal(await (await fetch(`${base}/ipfs/${folder}/renders/notes.txt`)).text(), notes.toString())

    // the CAR starts at the folder asked for and holds each step of the path
    const car = decodeCar(
      new Uint8Array(await (await fetch(`${base}/ipfs/${folder}/renders/notes.txt?format=car`)).arrayBuffer())
    )
    assert.deepEqual(car.roots.map(String), [String(folder)])
    for (const b of car.blocks) assert.deepEqual(sha256(b.bytes), Buffer.from(b.cid.multihash.digest))
    let step = car.blocks.find((b) => b.cid.equals(folder!))
    for (const name of ['renders', 'notes.txt']) {
      const link = dagPb.decode(step!.bytes).Links.find((l) => l.Name === name)
      assert.ok(link, `the CAR's ${name} step is there`)
      step = car.blocks.find((b) => b.cid.equals(link.Hash))
      assert.ok(step, `the block ${name} leads to is in the CAR`)
    }
    assert.ok(Buffer.from(step!.bytes).equals(notes), 'the path ends at the file')

    const missing = await fetch(`${base}/ipfs/${folder}/renders/frame_0002.png`)
    assert.equal(missing.status, 404)
    assert.match(await missing.text(), /nothing at/)
    assert.equal((await fetch(`${base}/ipfs/${folder}/renders/..%2F..`)).status, 400)
    assert.equal((await fetch(`${base}/ipfs/${cid}/inside`)).status, 404, 'a file has nothing inside it')
    const beyond = await fetch(`${base}/ipfs/${folder}/renders/frame_0001.png/more`)
    assert.equal(beyond.status, 404, 'nor does a file inside a folder')
    // names outside ASCII travel percent-encoded, in the URL and in the CAR's ETag
    let named: CID | undefined
    for await (const e of unixfs(local.helia).addAll([{ path: 'über/ß.txt', content: notes }], {
      wrapWithDirectory: true
    }))
      named = e.cid
    const encoded = `${base}/ipfs/${named}/${encodeURIComponent('über')}/${encodeURIComponent('ß.txt')}`
    assert.equal(await (await fetch(encoded)).text(), notes.toString())
    assert.equal((await fetch(`${encoded}?format=car`)).status, 200)

    // a folder big enough to be a HAMT shard
    const many = Array.from({ length: 300 }, (_, i) => ({
      path: `f_${i}.txt`,
      content: Buffer.from(`file ${i}`)
    }))
    let sharded: CID | undefined
    for await (const e of unixfs(local.helia).addAll(many, {
      wrapWithDirectory: true,
      shardSplitThresholdBytes: 1000
    }))
      sharded = e.cid
    const stat = await unixfs(local.helia).stat(sharded!)
    assert.equal(stat.unixfs?.type, 'hamt-sharded-directory')
    assert.equal(await (await fetch(`${base}/ipfs/${sharded}/f_123.txt`)).text(), 'file 123')
  })

  it('turns requests away with 503 past its concurrency limit', async () => {
    const full = new TrustlessGateway(
      { host: '127.0.0.1', port: 0, maxConcurrentRequests: 0 },
      { helia: local.helia, logger: silentLogger }
    )
    await full.start()
    try {
      const res = await fetch(`${full.url()}/ipfs/${cid}`)
      assert.equal(res.status, 503)
      assert.equal(res.headers.get('retry-after'), '2')
    } finally {
      await full.stop()
    }
  })
})
