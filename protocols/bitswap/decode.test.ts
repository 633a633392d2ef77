import assert from 'node:assert/strict'
import { randomBytes } from 'node:crypto'
import { describe, it } from 'node:test'
import { CID } from 'multiformats/cid'
import * as raw from 'multiformats/codecs/raw'
import { sha256 } from 'multiformats/hashes/sha2'
import { Uint8ArrayList } from 'uint8arraylist'
import { BITSWAP_MAX_BLOCKS } from './constants.js'
import { BitswapMessageError } from './errors.js'
import {
  BitswapMessage,
  type BlockBytes,
  BlockPresenceType,
  cidPrefix,
  decodeMessage,
  encodeBlocksFrame,
  receivedBlockCid,
  WantType
} from './wire.js'

/** `bytes` cut into pieces of `size` (the last one shorter), as network reads deliver them. */
function inPieces(bytes: Uint8Array, size: number): Uint8ArrayList {
  const list = new Uint8ArrayList()
  for (let at = 0; at < bytes.byteLength; at += size) list.append(bytes.subarray(at, at + size))
  return list
}

/** cidPrefix's bytes as the protobuf codec's type wants them. */
function prefixOf(cid: CID): Uint8Array<ArrayBuffer> {
  return Uint8Array.from(cidPrefix(cid))
}

/** `value` with its byte arrays as hex, so a Buffer and a Uint8Array of the same bytes compare equal. */
function comparable(value: unknown): unknown {
  if (value instanceof Uint8Array) return Buffer.from(value).toString('hex')
  if (Array.isArray(value)) return value.map(comparable)
  if (value !== null && typeof value === 'object')
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, comparable(v)]))
  return value
}

function flat(data: BlockBytes): Buffer {
  return Buffer.from(data instanceof Uint8Array ? data : data.subarray())
}

async function rawCid(bytes: Uint8Array): Promise<CID> {
  return CID.createV1(raw.code, await sha256.digest(bytes))
}

describe('decodeMessage', () => {
  it('reads a message spread over many pieces as the codec reads it whole, blocks left in their pieces', async () => {
    const big = randomBytes(300_000)
    const small = randomBytes(40)
    const [bigCid, smallCid] = [await rawCid(big), await rawCid(small)]
    const whole = BitswapMessage.encode({
      wantlist: {
        entries: [
          { cid: smallCid.bytes, priority: 3, cancel: false, wantType: WantType.WantHave, sendDontHave: true }
        ],
        full: false
      },
      blocks: [
        { prefix: prefixOf(bigCid), data: big },
        { prefix: prefixOf(smallCid), data: small }
      ],
      blockPresences: [{ cid: bigCid.bytes, type: BlockPresenceType.DoNotHaveBlock }],
      pendingBytes: 7
    })
    const expected = decodeMessage(whole)
    for (const size of [4096, 16_384, 65_536]) {
      const got = decodeMessage(inPieces(whole, size))
      assert.deepEqual(comparable(got.wantlist), comparable(expected.wantlist), `wants, pieces of ${size}`)
      assert.deepEqual(comparable(got.blockPresences), comparable(expected.blockPresences))
      assert.equal(got.pendingBytes, 7)
      assert.equal(got.blocks.length, 2)
      assert.ok(flat(got.blocks[0].data).equals(big), `the large block, pieces of ${size}`)
      assert.ok(flat(got.blocks[1].data).equals(small))
      assert.ok(
        got.blocks[0].data instanceof Uint8ArrayList,
        'the large block was not joined into one buffer'
      )
      assert.equal(
        (await receivedBlockCid(got.blocks[0].prefix, got.blocks[0].data))?.toString(),
        bigCid.toString()
      )
    }
  })

  it('reads a message in crumbs (pieces of a few bytes) by joining it first', async () => {
    const block = randomBytes(50_000)
    const cid = await rawCid(block)
    const whole = BitswapMessage.encode({
      blocks: [{ prefix: prefixOf(cid), data: block }],
      blockPresences: [{ cid: cid.bytes, type: BlockPresenceType.HaveBlock }],
      pendingBytes: 0
    })
    for (const size of [1, 7]) {
      const got = decodeMessage(inPieces(whole, size))
      assert.ok(flat(got.blocks[0].data).equals(block), `pieces of ${size}`)
      assert.equal(got.blockPresences.length, 1)
    }
  })

  it('reads the frames this node sends, a 1 MiB block in 64 KiB pieces', async () => {
    const block = randomBytes(1024 * 1024)
    const cid = await rawCid(block)
    const frame = encodeBlocksFrame([{ cid, bytes: block }]).subarray()
    const body = frame.subarray(varintSize(frame)) // the message after its length prefix
    const got = decodeMessage(inPieces(body, 65_536))
    assert.equal(got.blocks.length, 1)
    assert.ok(flat(got.blocks[0].data).equals(block))
    assert.equal(
      (await receivedBlockCid(got.blocks[0].prefix, got.blocks[0].data))?.toString(),
      cid.toString()
    )
  })

  it('reads a negative pendingBytes (a ten-byte varint) when the message is in pieces', async () => {
    const block = randomBytes(20_000)
    const whole = BitswapMessage.encode({
      blocks: [{ prefix: prefixOf(await rawCid(block)), data: block }],
      blockPresences: [],
      pendingBytes: -1
    })
    const got = decodeMessage(inPieces(whole, 8192))
    assert.equal(got.pendingBytes, -1)
    assert.ok(flat(got.blocks[0].data).equals(block))
  })

  // a peer choosing how a 4 MiB message of tiny fields is cut: each byte looked up by walking
  // the pieces from the first took 17 s of the event loop; the timeout marks a regression
  it('reads a message of millions of tiny fields, however it is cut, without stalling', {
    timeout: 10_000
  }, () => {
    const size = 4 * 1024 * 1024
    const whole = Buffer.alloc(size)
    for (let i = 0; i < size; i += 2) whole[i] = 0x28 // pendingBytes = 0, over and over
    const crumbsThenOne = new Uint8ArrayList()
    for (let i = 0; i < 1023; i++) crumbsThenOne.append(whole.subarray(2 * i, 2 * i + 2))
    crumbsThenOne.append(whole.subarray(2046))
    for (const frame of [inPieces(whole, 65_536), crumbsThenOne]) {
      const got = decodeMessage(frame)
      assert.equal(got.blocks.length, 0)
      assert.equal(got.pendingBytes, 0)
    }
    // the same fields inside one block
    const body = whole.subarray(0, 1024 * 1024)
    const inBlock = Buffer.concat([Buffer.from([0x1a, 0x80, 0x80, 0x40]), body])
    assert.throws(() => decodeMessage(inPieces(inBlock, 65_536)), BitswapMessageError)
  })

  it('fails a message cut off inside a block, or with more blocks than allowed', async () => {
    const block = randomBytes(5000)
    const whole = BitswapMessage.encode({
      blocks: [{ prefix: prefixOf(await rawCid(block)), data: block }],
      blockPresences: [],
      pendingBytes: 0
    })
    assert.throws(
      () => decodeMessage(inPieces(whole.subarray(0, whole.byteLength - 10), 4096)),
      BitswapMessageError
    )
    const tiny = { prefix: prefixOf(await rawCid(Uint8Array.of(1))), data: Uint8Array.of(1) }
    const many = BitswapMessage.encode({
      blocks: Array.from({ length: BITSWAP_MAX_BLOCKS + 1 }, () => tiny),
      blockPresences: [],
      pendingBytes: 0
    })
    assert.throws(() => decodeMessage(inPieces(many, 4096)), BitswapMessageError)
  })
})

/** Length of the varint at the start of `frame`. */
function varintSize(frame: Uint8Array): number {
  let n = 0
  while (frame[n] >= 0x80) n++
  return n + 1
}
