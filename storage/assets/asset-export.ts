import { createReadStream } from 'node:fs'
import { join } from 'node:path'
import { unixfs } from '@helia/unixfs'
import type { Helia } from 'helia'
import type { CID } from 'multiformats/cid'
import { writeFileAtomically } from '../files/atomic-write.js'
import { parseCid } from '../files/cid.js'
import { exportDirectory } from '../files/export.js'
import { transcode } from './codec.js'
import { readLocalFile } from './local-read.js'
import type { ProgressMeter } from './progress.js'
import type { AssetRecord } from './records.js'
import { packTar, type TarEntry } from './tar.js'

/**
 * An asset's original bytes, read from this node's blocks: a file decompressed, a folder as a
 * tar stream of its files (each decompressed). Counts delivered bytes on `meter`.
 */
export async function* assetBody(
  helia: Helia,
  record: AssetRecord,
  meter: ProgressMeter,
  signal?: AbortSignal
): AsyncGenerator<Uint8Array> {
  const fs = unixfs(helia)
  const readOpts = { signal, offline: true }
  async function* metered(source: AsyncIterable<Uint8Array>): AsyncGenerator<Uint8Array> {
    for await (const chunk of source) {
      meter.read(chunk.byteLength)
      yield chunk
    }
  }
  async function* entries(dir: CID, prefix: string): AsyncGenerator<TarEntry> {
    for await (const entry of fs.ls(dir, readOpts)) {
      const path = prefix === '' ? entry.name : `${prefix}/${entry.name}`
      const stat = await fs.stat(entry.cid, readOpts)
      if (stat.type === 'directory') {
        yield { path, type: 'directory', size: 0, mtime: record.mtime }
        yield* entries(entry.cid, path)
        continue
      }
      const original = record.compressedFiles?.[path]
      const codec = original !== undefined ? record.codec : 'none'
      yield {
        path,
        type: 'file',
        size: original ?? Number(stat.size),
        mtime: record.mtime,
        content: metered(transcode(readLocalFile(helia, entry.cid, signal), codec, 'decompress'))
      }
    }
  }
  const root = parseCid(record.cid)
  if (record.kind === 'folder') yield* packTar(entries(root, ''))
  else yield* metered(transcode(readLocalFile(helia, root, signal), record.codec, 'decompress'))
  meter.done(record.cid)
}

/** Writes a folder asset to `dest` (absent or empty), then decompresses its compressed files in place. */
export async function exportFolder(helia: Helia, record: AssetRecord, dest: string): Promise<void> {
  await exportDirectory(helia, record.cid, dest, { offline: true })
  for (const path of Object.keys(record.compressedFiles ?? {})) {
    const file = join(dest, ...path.split('/'))
    await writeFileAtomically(file, transcode(createReadStream(file), record.codec, 'decompress'), () => {})
  }
}

/**
 * helia's gc (deletes every block no pin holds), returning the bytes it freed: the sizes of
 * the unpinned blocks are read first, since helia reports only the CIDs it deleted.
 */
export async function collectGarbage(helia: Helia): Promise<number> {
  const sizes = new Map<string, number>()
  for await (const { cid, bytes } of helia.blockstore.getAll()) {
    if (await helia.pins.isPinned(cid)) continue
    let n = 0
    for await (const part of bytes) n += part.byteLength
    sizes.set(cid.toString(), n)
  }
  let freed = 0
  await helia.gc({
    onProgress: (evt) => {
      if (evt.type === 'helia:gc:deleted') freed += sizes.get(String(evt.detail)) ?? 0
    }
  })
  return freed
}
