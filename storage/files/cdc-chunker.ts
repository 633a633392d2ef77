import type { Chunker } from 'ipfs-unixfs-importer/chunker'
import { ChunkerOptionsError } from './errors.js'

/** Bounds of content-defined chunks, in bytes. */
export interface ContentDefinedOptions {
  /** No cut before this many bytes (and no hashing: FastCDC's cut-point skipping). */
  minBytes: number
  /** The size chunks gather around (a power of two). */
  avgBytes: number
  /** A chunk is cut here when no boundary was found (at most 1 MiB: every IPFS peer takes it). */
  maxBytes: number
}

/** Largest chunk any IPFS implementation is asked to exchange. */
const MAX_BLOCK_BYTES = 1024 * 1024

/**
 * The gear table: 256 pseudo-random 32-bit words from a fixed seed (mulberry32). Chunk
 * boundaries, and so CIDs, depend on it: never change the seed or the generator. Signed
 * words, so the hash stays a small integer in V8 (unsigned words above 2^31 would be doubles).
 */
const GEAR: Int32Array = (() => {
  const table = new Int32Array(256)
  let state = 0x52594e55 // "RYNU"
  for (let i = 0; i < 256; i++) {
    state = (state + 0x6d2b79f5) >>> 0
    let t = state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    table[i] = t ^ (t >>> 14)
  }
  return table
})()

/** A mask of `bits` one-bits at the top of a 32-bit word (the gear hash's best-mixed bits). */
function topMask(bits: number): number {
  return bits >= 32 ? -1 : ((1 << bits) - 1) << (32 - bits)
}

function check(opts: ContentDefinedOptions): number {
  const { minBytes, avgBytes, maxBytes } = opts
  const bits = Math.log2(avgBytes)
  if (
    !Number.isInteger(bits) ||
    bits < 6 ||
    !Number.isSafeInteger(minBytes) ||
    minBytes < 64 ||
    minBytes >= avgBytes ||
    maxBytes <= avgBytes ||
    maxBytes > MAX_BLOCK_BYTES
  ) {
    throw new ChunkerOptionsError(
      `min ${minBytes}, avg ${avgBytes}, max ${maxBytes}: need 64 ≤ min < avg < max ≤ 1 MiB and avg a power of two`
    )
  }
  return bits
}

/**
 * Where the next chunk of `buf` (from `start`, `end` exclusive) ends: FastCDC with a 32-bit
 * gear hash and normalized chunking (a stricter mask before the average size, a looser one
 * after). Returns -1 when no boundary lies in the bytes given and `end - start` < max.
 */
export function findBoundary(
  buf: Uint8Array,
  start: number,
  end: number,
  opts: ContentDefinedOptions,
  masks: { strict: number; loose: number }
): number {
  const length = end - start
  if (length <= opts.minBytes) return -1
  const limit = start + Math.min(length, opts.maxBytes)
  const normal = start + Math.min(opts.avgBytes, limit - start)
  const { strict, loose } = masks
  let h = 0
  let i = start + opts.minBytes
  for (; i < normal; i++) {
    h = ((h << 1) + GEAR[buf[i]!]!) | 0
    if ((h & strict) === 0) return i + 1
  }
  for (; i < limit; i++) {
    h = ((h << 1) + GEAR[buf[i]!]!) | 0
    if ((h & loose) === 0) return i + 1
  }
  return length >= opts.maxBytes ? limit : -1
}

/**
 * A UnixFS importer chunker that cuts where the content says (FastCDC), so an insert or a
 * rewrite moves only the chunks around it, not every chunk after it. Deterministic: the
 * same bytes always give the same chunks, however the source is split into reads.
 */
export function contentDefined(opts: ContentDefinedOptions): Chunker {
  const bits = check(opts)
  const masks = { strict: topMask(bits + 2), loose: topMask(bits - 2) }
  return async function* chunk(source) {
    // room for two maximal chunks; cuts are looked for only once a whole max is buffered
    // (or at the end), so every byte is hashed once whatever sizes the reads come in
    const buf = new Uint8Array(opts.maxBytes * 2)
    let used = 0
    const cuts = function* (final: boolean): Generator<Uint8Array> {
      let start = 0
      while (used - start >= opts.maxBytes || (final && used > start)) {
        const cut = findBoundary(buf, start, used, opts, masks)
        const end = cut < 0 ? used : cut
        yield buf.slice(start, end)
        start = end
      }
      buf.copyWithin(0, start, used)
      used -= start
    }
    for await (const piece of source) {
      let offset = 0
      while (offset < piece.byteLength) {
        const take = Math.min(piece.byteLength - offset, buf.byteLength - used)
        buf.set(piece.subarray(offset, offset + take), used)
        used += take
        offset += take
        if (used === buf.byteLength) yield* cuts(false)
      }
    }
    yield* cuts(true)
  }
}
