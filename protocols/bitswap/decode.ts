import type { Uint8ArrayList } from 'uint8arraylist'
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

/** One protobuf field of `bytes` at `at`: its number, and where its value starts and ends. */
function readField(
  bytes: Uint8ArrayList,
  at: number,
  end: number
): { field: number; wireType: number; start: number; valueStart: number; valueEnd: number } {
  const byteAt = (i: number): number | undefined => (i < end ? bytes.get(i) : undefined)
  const key = readVarint(byteAt, at)
  if (key === undefined) throw new BitswapMessageError('undecodable message: a field key is cut off')
  const field = Math.floor(key.value / 8)
  const wireType = key.value % 8
  const valueStart = at + key.length
  let valueEnd: number
  if (wireType === LENGTH_DELIMITED) {
    const length = readVarint(byteAt, valueStart)
    if (length === undefined) throw new BitswapMessageError('undecodable message: a length is cut off')
    const dataStart = valueStart + length.length
    return {
      field,
      wireType,
      start: at,
      valueStart: dataStart,
      valueEnd: checkEnd(dataStart + length.value, end)
    }
  }
  if (wireType === 0) {
    const value = readVarint(byteAt, valueStart)
    if (value === undefined) throw new BitswapMessageError('undecodable message: a varint is cut off')
    valueEnd = valueStart + value.length
  } else if (wireType === 1) valueEnd = valueStart + 8
  else if (wireType === 5) valueEnd = valueStart + 4
  else throw new BitswapMessageError(`undecodable message: wire type ${wireType}`)
  return { field, wireType, start: at, valueStart, valueEnd: checkEnd(valueEnd, end) }
}

function checkEnd(valueEnd: number, end: number): number {
  if (valueEnd > end) throw new BitswapMessageError('undecodable message: a field runs past its message')
  return valueEnd
}

/** The bytes from `start` to `end`: a view of one piece, or the pieces themselves (no copy). */
function piecesOf(bytes: Uint8ArrayList, start: number, end: number): BlockBytes {
  const sub = bytes.sublist(start, end)
  const pieces = [...sub]
  return pieces.length === 1 ? pieces[0] : sub
}

function decodeBlock(
  bytes: Uint8ArrayList,
  start: number,
  end: number
): { prefix: Uint8Array; data: BlockBytes } {
  let prefix: Uint8Array = new Uint8Array(0)
  let data: BlockBytes = new Uint8Array(0)
  for (let at = start; at < end; ) {
    const f = readField(bytes, at, end)
    if (f.wireType !== LENGTH_DELIMITED) {
      // not a field of Block: skipped, as protobuf decoders do
    } else if (f.field === PREFIX_FIELD) prefix = bytes.subarray(f.valueStart, f.valueEnd)
    else if (f.field === DATA_FIELD) data = piecesOf(bytes, f.valueStart, f.valueEnd)
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
  // each byte looked up walks the pieces: a message in crumbs is joined (one copy) instead
  if (pieces.length > 2 + frame.byteLength / MIN_MEAN_PIECE_BYTES) return decodeWhole(frame.subarray())
  const blocks: ReceivedMessage['blocks'] = []
  const rest: Uint8Array[] = []
  for (let at = 0; at < frame.byteLength; ) {
    const f = readField(frame, at, frame.byteLength)
    if (f.field === BLOCKS_FIELD) {
      if (f.wireType !== LENGTH_DELIMITED)
        throw new BitswapMessageError('undecodable message: a block is not bytes')
      if (blocks.length === BITSWAP_MAX_BLOCKS)
        throw new BitswapMessageError(`undecodable message: more than ${BITSWAP_MAX_BLOCKS} blocks`)
      blocks.push(decodeBlock(frame, f.valueStart, f.valueEnd))
    } else {
      rest.push(frame.subarray(f.start, f.valueEnd))
    }
    at = f.valueEnd
  }
  const head = decodeWhole(rest.length === 1 ? rest[0] : Buffer.concat(rest))
  return { ...head, blocks }
}
