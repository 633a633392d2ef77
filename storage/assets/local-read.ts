import * as dagPb from '@ipld/dag-pb'
import type { Helia } from 'helia'
import { UnixFS } from 'ipfs-unixfs'
import type { CID } from 'multiformats/cid'
import * as raw from 'multiformats/codecs/raw'
import { NotAFileError } from '../files/errors.js'
import { BLOCK_READ_CONCURRENCY } from './constants.js'

async function block(helia: Helia, cid: CID, signal?: AbortSignal): Promise<Uint8Array> {
  const parts: Uint8Array[] = []
  for await (const part of helia.blockstore.get(cid, { offline: true, signal })) parts.push(part)
  return parts.length === 1 ? parts[0] : Buffer.concat(parts)
}

/**
 * Streams a UnixFS file stored on this node in order, with at most BLOCK_READ_CONCURRENCY
 * leaves read ahead. (The UnixFS exporter reads ahead without bound: a 1 GiB download held
 * the whole file in memory.) Missing blocks fail at once; nothing is fetched.
 */
export async function* readLocalFile(
  helia: Helia,
  cid: CID,
  signal?: AbortSignal
): AsyncGenerator<Uint8Array> {
  const bytes = await block(helia, cid, signal)
  if (cid.code === raw.code) {
    yield bytes
    return
  }
  if (cid.code !== dagPb.code) throw new NotAFileError(cid.toString(), 'it is not UnixFS data')
  const node = dagPb.decode(bytes)
  const meta = node.Data !== undefined ? UnixFS.unmarshal(node.Data) : undefined
  if (meta === undefined || (meta.type !== 'file' && meta.type !== 'raw')) {
    throw new NotAFileError(cid.toString(), `it is a UnixFS ${meta?.type ?? 'node without data'}`)
  }
  if (meta.data !== undefined && meta.data.byteLength > 0) yield meta.data
  const ahead: Array<Promise<Uint8Array>> = []
  let next = 0
  const links = node.Links
  while (next < links.length || ahead.length > 0) {
    // read raw leaves ahead; an interior node is walked in its turn (it reads ahead inside)
    while (
      next < links.length &&
      ahead.length < BLOCK_READ_CONCURRENCY &&
      links[next].Hash.code === raw.code
    ) {
      const read = block(helia, links[next++].Hash, signal)
      // a read ahead that fails after the reader stopped must not become an unhandled rejection
      read.catch(() => {})
      ahead.push(read)
    }
    if (ahead.length > 0) {
      yield await ahead.shift()!
      continue
    }
    yield* readLocalFile(helia, links[next++].Hash, signal)
  }
}
