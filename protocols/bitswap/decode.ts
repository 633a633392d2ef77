import { Uint8ArrayList } from 'uint8arraylist'
import { BITSWAP_MAX_BLOCKS, BITSWAP_MAX_MESSAGE_WANTS, BITSWAP_MAX_PRESENCES } from './constants.js'
import { BitswapMessageError } from './errors.js'
import { BitswapMessage } from './pb/bitswap.js'
import { readVarint } from './varint.js'

/**
 * A block's bytes as they arrived: one buffer, or the pieces of the network reads it spans
 * (a 1 MiB block comes in ~17 decrypted pieces; they are hashed, stored and written as they
 * are, never copied into one buffer).
 */
export type BlockBytes = Uint8Array | Uint8ArrayList

/** An inbound bitswap message, its blocks' bytes left where they arrived. */
export type ReceivedMessage = Omit<BitswapMessage, 'blocks'> & {
  blocks: Array<{ prefix: Uint8Array; data: BlockBytes }>
}

/** BitswapMessage.blocks and Block.prefix / Block.data (field numbers in bitswap.proto). */
const BLOCKS_FIELD = 3
const PREFIX_FIELD = 1
const DATA_FIELD = 2
const LENGTH_DELIMITED = 2
/** Network reads are ~64 KiB; a message in smaller pieces on average is decoded joined. */
const MIN_MEAN_PIECE_BYTES = 4096
/** Past this many top-level fields a message is decoded joined, by the codec and its limits. */
const MAX_FIELDS = BITSWAP_MAX_BLOCKS + BITSWAP_MAX_PRESENCES + 16
/** A Block has two fields; a peer padding it with more is refused. */
const MAX_BLOCK_FIELDS = 8

/**
 * A message's pieces, read front to back: a byte is found from where the last one was (not
 * by walking the pieces from the first), so a scan costs one step per byte.
 */
class Pieces {
  readonly byteLength: number
  readonly #pieces: Uint8Array[]
  /** Where each piece starts in the message. */
  readonly #starts: number[] = []
  #at = 0

  constructor(pieces: Uint8Array[]) {
    this.#pieces = pieces
    let n = 0
    for (const p of pieces) {
      this.#starts.push(n)
      n += p.byteLength
    }
    this.byteLength = n
  }

  /** The index of the piece holding byte `i` (< byteLength). */
  #find(i: number): number {
    const starts = this.#starts
    let at = this.#at
    if (i >= starts[at] && i < starts[at] + this.#pieces[at].byteLength) return at
    const next = at + 1
    if (next < starts.length && i >= starts[next] && i < starts[next] + this.#pieces[next].byteLength) {
      this.#at = next
      return next
    }
    let lo = 0
    let hi = starts.length - 1
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1
      if (starts[mid] <= i) lo = mid
      else hi = mid - 1
    }
    at = lo
    // empty pieces share their start with the next one
    while (this.#pieces[at].byteLength === 0) at++
    this.#at = at
    return at
  }

  byteAt(i: number): number | undefined {
    if (i >= this.byteLength) return undefined
    const at = this.#find(i)
    return this.#pieces[at][i - this.#starts[at]]
  }

  /** Bytes `start`..`end`: a view of one piece, or a list of views of the pieces (no copy). */
  slice(start: number, end: number): BlockBytes {
    if (start === end) return new Uint8Array(0)
    const parts: Uint8Array[] = []
    for (let at = this.#find(start); at < this.#pieces.length && this.#starts[at] < end; at++) {
      const p = this.#pieces[at]
      const from = Math.max(0, start - this.#starts[at])
      const to = Math.min(p.byteLength, end - this.#starts[at])
      if (to > from) parts.push(p.subarray(from, to))
    }
    return parts.length === 1 ? parts[0] : new Uint8ArrayList(...parts)
  }

  /** Bytes `start`..`end` in one buffer (copied when they span pieces). */
  copy(start: number, end: number): Uint8Array {
    const bytes = this.slice(start, end)
    return bytes instanceof Uint8Array ? bytes : bytes.subarray()
  }
}

/** One protobuf field at `at`: its number and wire type, and where its value starts and ends. */
function readField(
  bytes: Pieces,
  at: number,
  end: number
): { field: number; wireType: number; valueStart: number; valueEnd: number } {
  const byteAt = (i: number): number | undefined => (i < end ? bytes.byteAt(i) : undefined)
  const key = readVarint(byteAt, at)
  if (key === undefined) throw new BitswapMessageError('undecodable message: a field key is cut off')
  const field = Math.floor(key.value / 8)
  const wireType = key.value % 8
  const valueStart = at + key.length
  if (wireType === LENGTH_DELIMITED) {
    const length = readVarint(byteAt, valueStart)
    if (length === undefined) throw new BitswapMessageError('undecodable message: a length is cut off')
    const dataStart = valueStart + length.length
    return { field, wireType, valueStart: dataStart, valueEnd: checkEnd(dataStart + length.value, end) }
  }
  let valueEnd: number
  if (wireType === 0) {
    // up to 10 bytes (a negative int32 takes all ten); its value is not needed here
    let i = valueStart
    while (byteAt(i) !== undefined && (byteAt(i) as number) >= 0x80 && i - valueStart < 9) i++
    if (byteAt(i) === undefined || (byteAt(i) as number) >= 0x80)
      throw new BitswapMessageError('undecodable message: a varint is cut off or too long')
    valueEnd = i + 1
  } else if (wireType === 1) valueEnd = valueStart + 8
  else if (wireType === 5) valueEnd = valueStart + 4
  else throw new BitswapMessageError(`undecodable message: wire type ${wireType}`)
  return { field, wireType, valueStart, valueEnd: checkEnd(valueEnd, end) }
}

function checkEnd(valueEnd: number, end: number): number {
  if (valueEnd > end) throw new BitswapMessageError('undecodable message: a field runs past its message')
  return valueEnd
}

function decodeBlock(bytes: Pieces, start: number, end: number): { prefix: Uint8Array; data: BlockBytes } {
  let prefix: Uint8Array = new Uint8Array(0)
  let data: BlockBytes = new Uint8Array(0)
  let fields = 0
  for (let at = start; at < end; ) {
    if (++fields > MAX_BLOCK_FIELDS)
      throw new BitswapMessageError('undecodable message: a block has too many fields')
    const f = readField(bytes, at, end)
    if (f.wireType === LENGTH_DELIMITED && f.field === PREFIX_FIELD)
      prefix = bytes.copy(f.valueStart, f.valueEnd)
    else if (f.wireType === LENGTH_DELIMITED && f.field === DATA_FIELD)
      data = bytes.slice(f.valueStart, f.valueEnd)
    // any other field is skipped, as protobuf decoders do
    at = f.valueEnd
  }
  return { prefix, data }
}

function decodeWhole(bytes: Uint8Array): BitswapMessage {
  try {
    return BitswapMessage.decode(bytes, {
      limits: {
        blocks: BITSWAP_MAX_BLOCKS,
        blockPresences: BITSWAP_MAX_PRESENCES,
        wantlist: { entries: BITSWAP_MAX_MESSAGE_WANTS }
      }
    })
  } catch (err) {
    throw new BitswapMessageError(`undecodable message: ${(err as Error).message}`)
  }
}

/**
 * Decodes one inbound message, with every repeated field bounded. A message in one buffer
 * goes to the protobuf codec whole; one spread over several pieces has its blocks' bytes
 * picked out where they lie, and only the rest (wants, presences) is copied and decoded.
 */
export function decodeMessage(frame: Uint8Array | Uint8ArrayList): ReceivedMessage {
  if (frame instanceof Uint8Array) return decodeWhole(frame)
  const pieces = [...frame]
  if (pieces.length <= 1) return decodeWhole(pieces[0] ?? new Uint8Array(0))
  // a message in crumbs is joined (one copy) rather than walked a few bytes at a time
  if (pieces.length > 2 + frame.byteLength / MIN_MEAN_PIECE_BYTES) return decodeWhole(frame.subarray())
  const bytes = new Pieces(pieces)
  const blocks: ReceivedMessage['blocks'] = []
  // the other fields, as runs of consecutive bytes between blocks, decoded by the codec
  const rest: Uint8Array[] = []
  let runStart = 0
  let fields = 0
  for (let at = 0; at < bytes.byteLength; ) {
    if (++fields > MAX_FIELDS) return decodeWhole(frame.subarray())
    const f = readField(bytes, at, bytes.byteLength)
    if (f.field === BLOCKS_FIELD) {
      if (f.wireType !== LENGTH_DELIMITED)
        throw new BitswapMessageError('undecodable message: a block is not bytes')
      if (blocks.length === BITSWAP_MAX_BLOCKS)
        throw new BitswapMessageError(`undecodable message: more than ${BITSWAP_MAX_BLOCKS} blocks`)
      if (at > runStart) rest.push(bytes.copy(runStart, at))
      blocks.push(decodeBlock(bytes, f.valueStart, f.valueEnd))
      runStart = f.valueEnd
    }
    at = f.valueEnd
  }
  if (bytes.byteLength > runStart) rest.push(bytes.copy(runStart, bytes.byteLength))
  const head = decodeWhole(rest.length === 1 ? rest[0] : Buffer.concat(rest))
  return { ...head, blocks }
}
