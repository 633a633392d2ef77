import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { generateKeyPair } from '@libp2p/crypto/keys'
import type { PeerId } from '@libp2p/interface'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { CID } from 'multiformats/cid'
import * as raw from 'multiformats/codecs/raw'
import { sha256 } from 'multiformats/hashes/sha2'
import { blockKey } from './block-exchange.js'
import { WantBook } from './want-book.js'

async function peer(): Promise<PeerId> {
  return peerIdFromPrivateKey(await generateKeyPair('Ed25519'))
}

async function leaves(n: number): Promise<CID[]> {
  return Promise.all(
    Array.from({ length: n }, async (_, i) => CID.createV1(raw.code, await sha256.digest(Uint8Array.of(i))))
  )
}

function count(batches: Map<PeerId, unknown[]>): number[] {
  return [...batches.values()].map((b) => b.length)
}

describe('WantBook', () => {
  it('hands out the window in whole batches, one provider per batch, least loaded first', async () => {
    const [a, b] = [await peer(), await peer()]
    const book = new WantBook(8, 8, 10_000)
    for (const c of await leaves(20)) book.add(c, blockKey(c))
    assert.deepEqual(count(book.assign()), [], 'no provider yet: nothing is sent')
    assert.equal(book.hasStalled, true)
    book.addProvider(a)
    book.addProvider(b)
    const first = book.assign(() => true, 4)
    assert.deepEqual(count(first), [4, 4], 'two batches of 4, one per provider')
    assert.equal(book.inflightCount, 8)
    assert.deepEqual(count(book.assign(() => true, 4)), [], 'the window is full')
  })

  it('moves a want to another provider on DONT_HAVE, on a lost provider and after the timeout', async () => {
    const [a, b] = [await peer(), await peer()]
    const book = new WantBook(4, 4, 1_000)
    const cids = await leaves(3)
    for (const c of cids) book.add(c, blockKey(c))
    book.addProvider(a)
    const sent = book.assign(() => true, 4, 0)
    assert.deepEqual(count(sent), [3])

    book.dontHave(blockKey(cids[0]), a)
    book.addProvider(b)
    const moved = book.assign(() => true, 4, 0)
    assert.deepEqual([...moved.keys()].map(String), [b.toString()], 'the lacking block goes to b')

    book.removeProvider(a)
    const again = book.assign(() => true, 4, 0)
    assert.deepEqual(count(again), [2], "a's other wants go to b")

    assert.equal(book.expire(500), 0)
    assert.equal(book.expire(2_000), 3, 'all three timed out at b')
    const retried = book.assign(() => true, 4, 2_000)
    assert.deepEqual(count(retried), [3], 'b, the only provider, is asked again')

    for (const c of cids) assert.ok(book.received(blockKey(c), b))
    assert.equal(book.isEmpty, true)
    assert.equal(book.received(blockKey(cids[0]), b), undefined, 'a second copy is not a want')
  })

  it('never asks a filtered (banned) peer and stalls blocks no provider may hold', async () => {
    const [a, b] = [await peer(), await peer()]
    const book = new WantBook(4, 4, 1_000)
    const [c] = await leaves(1)
    book.add(c, blockKey(c))
    book.addProvider(a)
    book.addProvider(b)
    book.dontHave(blockKey(c), b)
    const banned = (p: PeerId): boolean => !p.equals(a)
    assert.deepEqual(count(book.assign(banned)), [])
    assert.equal(book.firstStalled()?.toString(), c.toString())
  })
})
