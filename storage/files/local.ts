import type { Helia } from 'helia'
import { createUnsafe } from 'multiformats/block'
import type { CID } from 'multiformats/cid'
import { concat } from 'uint8arrays'
import { parseCid } from './cid.js'

/**
 * Whether every block of the DAG under `cid` is stored on this node (nothing is fetched):
 * an export of it would need no network. Walks dag-pb (UnixFS), raw and JSON blocks.
 */
export async function hasAll(
  helia: Helia,
  cid: string | CID,
  opts: { signal?: AbortSignal } = {}
): Promise<boolean> {
  const pending = [parseCid(cid)]
  const seen = new Set<string>()
  while (pending.length > 0) {
    const next = pending.pop()!
    const key = next.toString()
    if (seen.has(key)) continue
    seen.add(key)
    opts.signal?.throwIfAborted()
    if (!(await helia.blockstore.has(next, opts))) return false
    if (next.code === 0x55) continue // raw: a leaf, no links
    const parts: Uint8Array[] = []
    for await (const part of helia.blockstore.get(next, { ...opts, offline: true })) parts.push(part)
    const codec = await helia.getCodec(next.code)
    const block = createUnsafe({ bytes: concat(parts), cid: next, codec })
    for (const [, link] of block.links()) pending.push(link)
  }
  return true
}
