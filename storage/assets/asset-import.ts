import { unixfs } from '@helia/unixfs'
import type { Helia } from 'helia'
import type { DirectoryCandidate, FileCandidate } from 'ipfs-unixfs-importer'
import { CHUNK_SIZE_BYTES } from '../files/constants.js'
import { FileUnreadableError } from '../files/errors.js'
import type { FolderEntry } from '../files/import.js'
import { type Chunking, importerOptions } from '../files/importer-options.js'
import { readFileChunks } from '../files/local-file.js'
import { type AssetCodec, type CompressMode, chooseCodec, sniff, transcode } from './codec.js'
import type { ProgressMeter } from './progress.js'

/** What an import stored, before it is recorded. */
export interface Imported {
  cid: string
  size: number
  storedBytes: number
  chunks: number
  codec: AssetCodec
  compressedFiles?: Record<string, number>
  chunking: Chunking
}

export interface ImportContext {
  helia: Helia
  mode: CompressMode
  meter: ProgressMeter
  signal?: AbortSignal
  /** Called with every stored (post-compression) byte count; throws to stop the import (quota). */
  onStored: (n: number) => void
}

const chunksOf = (bytes: number): number => Math.max(1, Math.ceil(bytes / CHUNK_SIZE_BYTES))

/** One file's bytes: sniffed, maybe compressed, counted on both sides of the compressor. */
export async function* prepared(
  ctx: ImportContext,
  name: string,
  source: AsyncIterable<Uint8Array>,
  decided: (codec: AssetCodec, rawBytes: () => number, storedBytes: () => number) => void
): AsyncGenerator<Uint8Array> {
  const { head, stream, close } = await sniff(source)
  const codec = chooseCodec(ctx.mode, name, head)
  let raw = 0
  let stored = 0
  decided(
    codec,
    () => raw,
    () => stored
  )
  async function* counted(): AsyncGenerator<Uint8Array> {
    for await (const chunk of stream) {
      raw += chunk.byteLength
      ctx.meter.read(chunk.byteLength)
      yield chunk
    }
  }
  try {
    for await (const chunk of transcode(counted(), codec, 'compress')) {
      stored += chunk.byteLength
      ctx.meter.stored(chunk.byteLength)
      ctx.onStored(chunk.byteLength)
      yield chunk
    }
  } finally {
    await close().catch(() => {})
  }
}

/** Imports one file's bytes (a local file or an upload stream) as a UnixFS file. */
export async function importFileStream(
  ctx: ImportContext,
  name: string,
  source: AsyncIterable<Uint8Array>
): Promise<Imported> {
  let codec: AssetCodec = 'none'
  let raw = (): number => 0
  let stored = (): number => 0
  const content = prepared(ctx, name, source, (c, r, s) => {
    codec = c
    raw = r
    stored = s
  })
  const cid = await unixfs(ctx.helia).addByteStream(content, importerOptions(ctx.signal))
  return {
    cid: cid.toString(),
    size: raw(),
    storedBytes: stored(),
    chunks: chunksOf(stored()),
    codec,
    chunking: 'fixed-1mib'
  }
}

/**
 * Imports a local folder tree (listed by listFolder) as a UnixFS directory; under a
 * compressing mode each file is compressed on its own and `compressedFiles` says which.
 */
export async function importFolderTree(
  ctx: ImportContext,
  root: string,
  entries: FolderEntry[]
): Promise<Imported> {
  const fs = unixfs(ctx.helia)
  const files = new Map<string, { codec: AssetCodec; raw: () => number; stored: () => number }>()
  const candidates = entries.map((e): FileCandidate | DirectoryCandidate =>
    e.kind === 'directory'
      ? { path: e.path }
      : {
          path: e.path,
          content: prepared(
            ctx,
            e.path,
            readFileChunks(e.absolute, () => {}),
            (codec, raw, stored) => files.set(e.path, { codec, raw, stored })
          )
        }
  )
  let cid: string | undefined
  if (candidates.length === 0) cid = (await fs.addDirectory({}, importerOptions(ctx.signal))).toString()
  else {
    for await (const result of fs.addAll(candidates, {
      ...importerOptions(ctx.signal),
      wrapWithDirectory: true
    })) {
      if (result.path === '') cid = result.cid.toString()
    }
  }
  if (cid === undefined) throw new FileUnreadableError(root, 'the importer produced no root folder')
  const compressedFiles: Record<string, number> = {}
  let size = 0
  let storedBytes = 0
  let chunks = 0
  let codec: AssetCodec = 'none'
  for (const [path, f] of files) {
    size += f.raw()
    storedBytes += f.stored()
    chunks += f.stored() > 0 ? chunksOf(f.stored()) : 0
    if (f.codec !== 'none') {
      compressedFiles[path] = f.raw()
      codec = f.codec
    }
  }
  return {
    cid,
    size,
    storedBytes,
    chunks,
    codec,
    ...(codec !== 'none' && { compressedFiles }),
    chunking: 'fixed-1mib'
  }
}
