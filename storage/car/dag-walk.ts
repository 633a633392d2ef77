import type { Helia } from 'helia'
import { createUnsafe } from 'multiformats/block'
import type { CID } from 'multiformats/cid'
import { DAG_WALK_CONCURRENCY } from './constants.js'
import { BlockMissingError, DagTooLargeError, UnsupportedCodecError } from './errors.js'

export interface DagBlock {
  cid: CID
  bytes: Uint8Array
}

export interface WalkOptions {
  /** Read only blocks stored here (never fetch over bitswap); a missing one is ERR_BLOCK_MISSING. */
  offline?: boolean
  signal?: AbortSignal
  /** Stop with ERR_DAG_TOO_LARGE past this many bytes of blocks (default: no limit). */
  maxBytes?: number
  /** Stop with ERR_DAG_TOO_LARGE past this many blocks (default: no limit). */
  maxBlocks?: number
  /** Blocks read at once (default DAG_WALK_CONCURRENCY). */
  concurrency?: number
  /** Called for each block that was not stored here before the walk read it (fetched over bitswap). */
  onFetched?: (cid: CID) => void
}

/** Reads one block whole (helia 7 blockstores stream a block as chunks). */
export async function readBlock(
  helia: Pick<Helia, 'blockstore'>,
  cid: CID,
  opts: { offline?: boolean; signal?: AbortSignal } = {}
): Promise<Uint8Array> {
  const parts: Uint8Array[] = []
  let size = 0
  try {
    for await (const part of helia.blockstore.get(cid, { offline: opts.offline, signal: opts.signal })) {
      parts.push(part)
      size += part.byteLength
    }
  } catch (err) {
    if ((err as Error | undefined)?.name === 'BlockNotFoundWhileOfflineError') {
      throw new BlockMissingError(cid.toString(), { cause: err })
    }
    throw err
  }
  if (parts.length === 1) return parts[0]
  const out = new Uint8Array(size)
  let at = 0
  for (const part of parts) {
    out.set(part, at)
    at += part.byteLength
  }
  return out
}

async function linksOf(helia: Pick<Helia, 'getCodec'>, cid: CID, bytes: Uint8Array): Promise<CID[]> {
  let codec: Awaited<ReturnType<Helia['getCodec']>>
  try {
    codec = await helia.getCodec(cid.code)
  } catch {
    throw new UnsupportedCodecError(cid.toString(), cid.code)
  }
  const block = createUnsafe({ cid, bytes, codec })
  return [...block.links()].map(([, link]) => link)
}

/**
 * Every block of the DAG under `root`, each once, root first, siblings read
 * `concurrency` at a time (from the local store, else over bitswap unless `offline`). Links
 * are found with the codecs helia knows. Limits are checked as blocks arrive, so an
 * oversized DAG stops early instead of filling the disk.
 */
export async function* walkDag(
  helia: Pick<Helia, 'blockstore' | 'getCodec'>,
  root: CID,
  opts: WalkOptions = {}
): AsyncGenerator<DagBlock> {
  const seen = new Set<string>([root.toString()])
  const queue: CID[] = [root]
  const concurrency = Math.max(1, opts.concurrency ?? DAG_WALK_CONCURRENCY)
  let bytes = 0
  let blocks = 0
  while (queue.length > 0) {
    opts.signal?.throwIfAborted()
    const batch = queue.splice(0, concurrency)
    const read = await Promise.all(
      batch.map(async (cid) => {
        const stored = opts.onFetched === undefined || (await helia.blockstore.has(cid))
        const bytes = await readBlock(helia, cid, opts)
        if (!stored) opts.onFetched?.(cid)
        return { cid, bytes }
      })
    )
    for (const block of read) {
      bytes += block.bytes.byteLength
      blocks += 1
      if (opts.maxBytes !== undefined && bytes > opts.maxBytes) {
        throw new DagTooLargeError(root.toString(), 'bytes', opts.maxBytes)
      }
      if (opts.maxBlocks !== undefined && blocks > opts.maxBlocks) {
        throw new DagTooLargeError(root.toString(), 'blocks', opts.maxBlocks)
      }
      for (const link of await linksOf(helia, block.cid, block.bytes)) {
        const key = link.toString()
        if (seen.has(key)) continue
        seen.add(key)
        queue.push(link)
      }
      yield block
    }
  }
}
