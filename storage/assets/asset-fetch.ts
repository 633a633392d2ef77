import { unixfs } from '@helia/unixfs'
import type { Helia } from 'helia'
import { parseCid } from '../files/cid.js'
import { NotAFileError } from '../files/errors.js'
import { fetchDag } from '../transfers/fetch-dag.js'
import type { ProgressMeter } from './progress.js'
import type { AssetRecord } from './records.js'

export interface FetchAssetOptions {
  /** Name to record (default: the CID). */
  name?: string
  signal?: AbortSignal
  /** Fail with ERR_FETCH_TIMEOUT when no block arrives for this long (default 30 s). */
  timeoutMs?: number
}

/**
 * Fetches the UnixFS file or folder `cid` from peers into this node's blocks (blocks already
 * here are not fetched again) and describes it as an asset: raw bytes (codec none), the size
 * of its content, its leaf count. Counts stored bytes on `meter`.
 */
export async function fetchAssetBlocks(
  helia: Helia,
  cid: string,
  meter: ProgressMeter,
  opts: FetchAssetOptions = {}
): Promise<Omit<AssetRecord, 'pinned' | 'addedAt'>> {
  const root = parseCid(cid)
  let counted = 0
  const fetched = await fetchDag(helia, root, {
    signal: opts.signal,
    timeoutMs: opts.timeoutMs,
    onProgress: (p) => {
      meter.stored(p.bytes - counted)
      meter.read(p.bytes - counted)
      counted = p.bytes
    }
  })
  const stat = await unixfs(helia).stat(root, { offline: true, signal: opts.signal })
  if (stat.type !== 'directory' && stat.unixfs?.type === 'symlink') {
    throw new NotAFileError(root.toString(), 'it is a symbolic link')
  }
  return {
    cid: root.toString(),
    name: opts.name ?? root.toString(),
    path: '',
    kind: stat.type === 'directory' ? 'folder' : 'file',
    size: fetched.bytes,
    storedBytes: fetched.bytes,
    chunks: fetched.blocks,
    codec: 'none',
    mtime: Date.now()
  }
}
