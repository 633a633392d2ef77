import * as dagCbor from '@ipld/dag-cbor'
import { varint } from 'multiformats'
import { CID } from 'multiformats/cid'
import { CAR_VERSION, MAX_CAR_HEADER_BYTES, MAX_CAR_SECTION_BYTES } from './constants.js'
import type { DagBlock } from './dag-walk.js'
import { CarFormatError } from './errors.js'

/*
 * CARv1 (https://ipld.io/specs/transport/car/carv1/): a varint-length-prefixed dag-cbor
 * header {version: 1, roots}, then one varint-length-prefixed section per block holding the
 * block's CID bytes followed by its bytes.
 */

function withLength(...parts: Uint8Array[]): Uint8Array {
  const size = parts.reduce((n, p) => n + p.byteLength, 0)
  const prefix = varint.encodeTo(size, new Uint8Array(varint.encodingLength(size)))
  const out = new Uint8Array(prefix.byteLength + size)
  out.set(prefix, 0)
  let at = prefix.byteLength
  for (const part of parts) {
    out.set(part, at)
    at += part.byteLength
  }
  return out
}

/** The CAR header naming `roots`, length prefix included. */
export function carHeader(roots: CID[]): Uint8Array {
  return withLength(dagCbor.encode({ version: CAR_VERSION, roots }))
}

/** One block's section, length prefix included. */
export function carSection(block: DagBlock): Uint8Array {
  return withLength(block.cid.bytes, block.bytes)
}

/** Streams a CARv1 of `blocks` under `roots`: header first, then one section per block. */
export async function* encodeCar(roots: CID[], blocks: AsyncIterable<DagBlock>): AsyncGenerator<Uint8Array> {
  yield carHeader(roots)
  for await (const block of blocks) yield carSection(block)
}

export interface DecodedCar {
  roots: CID[]
  blocks: DagBlock[]
}

function readLength(bytes: Uint8Array, at: number, max: number, what: string): [number, number] {
  let value: number
  let used: number
  try {
    ;[value, used] = varint.decode(bytes, at)
  } catch {
    throw new CarFormatError(`${what} length is not a varint`)
  }
  if (value > max) throw new CarFormatError(`${what} of ${value} bytes exceeds ${max}`)
  if (at + used + value > bytes.byteLength) throw new CarFormatError(`${what} is cut short`)
  return [value, used]
}

/** Parses a whole CARv1 held in memory (tests, small downloads). Blocks are not checked against their CIDs. */
export function decodeCar(bytes: Uint8Array): DecodedCar {
  const [headerSize, headerUsed] = readLength(bytes, 0, MAX_CAR_HEADER_BYTES, 'header')
  let header: unknown
  try {
    header = dagCbor.decode(bytes.subarray(headerUsed, headerUsed + headerSize))
  } catch {
    throw new CarFormatError('the header is not dag-cbor')
  }
  const { version, roots } = (header ?? {}) as { version?: unknown; roots?: unknown }
  if (version !== CAR_VERSION) throw new CarFormatError(`version ${String(version)} is not 1`)
  if (!Array.isArray(roots) || roots.some((r) => CID.asCID(r) === null)) {
    throw new CarFormatError('the header roots are not a list of CIDs')
  }
  const blocks: DagBlock[] = []
  let at = headerUsed + headerSize
  while (at < bytes.byteLength) {
    const [size, used] = readLength(bytes, at, MAX_CAR_SECTION_BYTES, 'block section')
    const section = bytes.subarray(at + used, at + used + size)
    let cid: CID
    let rest: Uint8Array
    try {
      ;[cid, rest] = CID.decodeFirst(section)
    } catch {
      throw new CarFormatError('a block section does not start with a CID')
    }
    blocks.push({ cid, bytes: rest })
    at += used + size
  }
  return { roots: roots as CID[], blocks }
}
