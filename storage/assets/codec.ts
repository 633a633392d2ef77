import { compose } from 'node:stream'
import {
  createBrotliCompress,
  createBrotliDecompress,
  createGunzip,
  createGzip,
  constants as zlib
} from 'node:zlib'
import {
  AUTO_CODEC,
  BROTLI_QUALITY,
  GZIP_LEVEL,
  PRECOMPRESSED_EXTENSIONS,
  PRECOMPRESSED_MAGIC,
  SNIFF_BYTES
} from './constants.js'
import { CompressModeError } from './errors.js'

/** How an asset's bytes are stored: as they are, or compressed. */
export type AssetCodec = 'none' | 'gzip' | 'brotli'
/** What a person asks for: a codec, or `auto` (gzip unless the file is compressed already). */
export type CompressMode = 'auto' | AssetCodec

const MODES: readonly CompressMode[] = ['auto', 'none', 'gzip', 'brotli']

export function parseCompressMode(value: string): CompressMode {
  const v = value.trim().toLowerCase()
  if (!(MODES as readonly string[]).includes(v)) throw new CompressModeError(value)
  return v as CompressMode
}

/** The compressed format `head` (a file's first bytes) or `name`'s extension shows, if any. */
export function precompressedFormat(name: string, head: Uint8Array): string | undefined {
  const dot = name.lastIndexOf('.')
  const ext = dot >= 0 ? name.slice(dot + 1).toLowerCase() : ''
  if (PRECOMPRESSED_EXTENSIONS.has(ext)) return ext
  for (const m of PRECOMPRESSED_MAGIC) {
    if (head.byteLength < m.offset + m.bytes.length) continue
    if (m.bytes.every((b, i) => head[m.offset + i] === b)) return m.format
  }
  return undefined
}

/** The codec a file is stored with under `mode`. */
export function chooseCodec(mode: CompressMode, name: string, head: Uint8Array): AssetCodec {
  if (mode !== 'auto') return mode
  return precompressedFormat(name, head) === undefined ? AUTO_CODEC : 'none'
}

/**
 * Splits off the first SNIFF_BYTES of `source` (fewer for a shorter file) without losing
 * them: `head` to decide on, `stream` that yields every byte from the start, and `close` to
 * release the source (its file handle) when the stream is abandoned part-way.
 */
export async function sniff(
  source: AsyncIterable<Uint8Array>
): Promise<{ head: Uint8Array; stream: AsyncIterable<Uint8Array>; close: () => Promise<void> }> {
  const it = source[Symbol.asyncIterator]()
  const taken: Uint8Array[] = []
  let have = 0
  let done = false
  while (have < SNIFF_BYTES) {
    const next = await it.next()
    if (next.done === true) {
      done = true
      break
    }
    taken.push(next.value)
    have += next.value.byteLength
  }
  const head = Buffer.concat(taken).subarray(0, SNIFF_BYTES)
  async function* stream(): AsyncGenerator<Uint8Array> {
    yield* taken
    if (done) return
    for (;;) {
      const next = await it.next()
      if (next.done === true) return
      yield next.value
    }
  }
  const close = async (): Promise<void> => {
    if (!done) await it.return?.()
  }
  return { head, stream: stream(), close }
}

function transformOf(codec: Exclude<AssetCodec, 'none'>, direction: 'compress' | 'decompress') {
  if (codec === 'gzip') return direction === 'compress' ? createGzip({ level: GZIP_LEVEL }) : createGunzip()
  return direction === 'compress'
    ? createBrotliCompress({ params: { [zlib.BROTLI_PARAM_QUALITY]: BROTLI_QUALITY } })
    : createBrotliDecompress()
}

/** `source` through a zlib stream (never whole in memory); `none` passes it through. */
export function transcode(
  source: AsyncIterable<Uint8Array>,
  codec: AssetCodec,
  direction: 'compress' | 'decompress'
): AsyncIterable<Uint8Array> {
  if (codec === 'none') return source
  return compose(source, transformOf(codec, direction)) as unknown as AsyncIterable<Uint8Array>
}
