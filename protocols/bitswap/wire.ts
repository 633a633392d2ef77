import { createHash } from 'node:crypto'
import { base64 } from 'multiformats/bases/base64'
import { CID } from 'multiformats/cid'
import * as Digest from 'multiformats/hashes/digest'
import { sha256 } from 'multiformats/hashes/sha2'
import { Uint8ArrayList } from 'uint8arraylist'
import type { BlockBytes } from './decode.js'
import { BitswapMessage, BlockPresenceType, type WantlistEntry, WantType } from './pb/bitswap.js'
import { pushVarint, readVarint, varintLength } from './varint.js'

export { type BlockBytes, decodeMessage, type ReceivedMessage } from './decode.js'
export { BitswapMessage, BlockPresenceType, WantType }

/** A block to send: its CID and bytes. */
export interface OutgoingBlock {
  cid: CID
  bytes: Uint8Array
}

export interface OutgoingPresence {
  cid: CID
  has: boolean
}

export interface OutgoingWant {
  cid: CID
  wantType: WantType
  cancel?: boolean
}

/** protobuf field keys of BitswapMessage and Block (field number << 3 | wire type 2). */
const MESSAGE_BLOCKS_KEY = (3 << 3) | 2
const BLOCK_PREFIX_KEY = (1 << 3) | 2
const BLOCK_DATA_KEY = (2 << 3) | 2

/** The CID prefix bitswap sends with a block: version, codec, hash code, digest length. */
export function cidPrefix(cid: CID): Uint8Array {
  const out: number[] = []
  for (const v of [cid.version, cid.code, cid.multihash.code, cid.multihash.digest.byteLength])
    pushVarint(out, v)
  return Uint8Array.from(out)
}

/**
 * One length-prefixed bitswap message holding `blocks` and `presences`. The block bytes are
 * not copied: the frame is a list of the small headers and the blocks' own buffers, which the
 * stream encrypts as it sends them.
 */
export function encodeBlocksFrame(
  blocks: OutgoingBlock[],
  presences: OutgoingPresence[] = []
): Uint8ArrayList {
  const head =
    presences.length > 0
      ? BitswapMessage.encode({
          blocks: [],
          blockPresences: presences.map((p) => ({
            cid: p.cid.bytes,
            type: p.has ? BlockPresenceType.HaveBlock : BlockPresenceType.DoNotHaveBlock
          })),
          pendingBytes: 0
        })
      : new Uint8Array(0)
  const parts: Uint8Array[] = []
  let length = head.byteLength
  for (const { cid, bytes } of blocks) {
    const prefix = cidPrefix(cid)
    const inner =
      1 +
      varintLength(prefix.byteLength) +
      prefix.byteLength +
      1 +
      varintLength(bytes.byteLength) +
      bytes.byteLength
    const header: number[] = [MESSAGE_BLOCKS_KEY]
    pushVarint(header, inner)
    header.push(BLOCK_PREFIX_KEY)
    pushVarint(header, prefix.byteLength)
    header.push(...prefix, BLOCK_DATA_KEY)
    pushVarint(header, bytes.byteLength)
    parts.push(Uint8Array.from(header), bytes)
    length += header.length + bytes.byteLength
  }
  return new Uint8ArrayList(Uint8Array.from(pushVarint([], length)), head, ...parts)
}

/** One length-prefixed bitswap message carrying wantlist entries (never the full wantlist). */
export function encodeWantsFrame(wants: OutgoingWant[]): Uint8Array {
  const entries: WantlistEntry[] = wants.map((w) => ({
    cid: w.cid.bytes,
    priority: 1,
    cancel: w.cancel === true,
    wantType: w.wantType,
    sendDontHave: true
  }))
  const body = BitswapMessage.encode({
    wantlist: { entries, full: false },
    blocks: [],
    blockPresences: [],
    pendingBytes: 0
  })
  const length = pushVarint([], body.byteLength)
  const frame = new Uint8Array(length.length + body.byteLength)
  frame.set(length)
  frame.set(body, length.length)
  return frame
}

/**
 * The CID of a received block: its prefix with the hash of its bytes. A block's CID is thus
 * always what its bytes hash to; undefined for a hash function this node does not use (only
 * sha2-256, whole digests) or a malformed prefix. A block in one buffer is hashed on libuv's
 * thread pool (WebCrypto), not on the thread that reads the network; one still in the pieces
 * it arrived in is hashed piece by piece here (~0.6 ms per MiB), which costs less than
 * copying it into one buffer for WebCrypto (which copies it again).
 */
export async function receivedBlockCid(prefix: Uint8Array, data: BlockBytes): Promise<CID | undefined> {
  let offset = 0
  const next = (): number | undefined => {
    const read = readVarint((i) => prefix[i], offset)
    if (read !== undefined) offset += read.length
    return read?.value
  }
  let fields: Array<number | undefined>
  try {
    fields = [next(), next(), next(), next()]
  } catch {
    return undefined
  }
  const [version, codec, hashCode, hashLength] = fields
  if (version === undefined || codec === undefined || offset !== prefix.byteLength) return undefined
  if (hashCode !== sha256.code || hashLength !== 32 || version > 1) return undefined
  let hash: Uint8Array
  if (data instanceof Uint8Array) {
    hash = new Uint8Array(await crypto.subtle.digest('SHA-256', data as Uint8Array<ArrayBuffer>))
  } else {
    const hasher = createHash('sha256')
    for (const piece of data) hasher.update(piece)
    hash = hasher.digest()
  }
  const digest = Digest.create(sha256.code, hash)
  try {
    return version === 0 ? CID.createV0(digest as Digest.Digest<18, 32>) : CID.createV1(codec, digest)
  } catch {
    return undefined
  }
}

/** A block's key in want books and ledgers: its multihash (so CIDv0 and v1 of a block match). */
export function blockKey(cid: CID): string {
  return base64.encode(cid.multihash.bytes)
}
