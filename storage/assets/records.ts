import type { AssetCodec } from './codec.js'

export type AssetKind = 'file' | 'folder'

/** One asset in the index: written once, in one batch, when its import has completed. */
export interface AssetRecord {
  /** Root CID (CIDv1) of what is stored: the compressed bytes when `codec` is not none. */
  cid: string
  /** File or folder name, no path. */
  name: string
  /** Where it was added from: a local path, or '' for an upload. */
  path: string
  kind: AssetKind
  /** Bytes of the original content (for a folder, the sum over its files). */
  size: number
  /** Bytes of content stored, after compression (the leaf blocks). */
  storedBytes: number
  /** Leaf blocks (1 MiB chunks) of content. */
  chunks: number
  /** For a folder: the codec of its compressed files (others stay raw, see `compressedFiles`). */
  codec: AssetCodec
  /** For a folder: '/'-separated path → original size of each file stored compressed. */
  compressedFiles?: Record<string, number>
  /** Pinned in helia: kept by `gc`. */
  pinned: boolean
  /** ms: modification time of the source (upload time for an upload). */
  mtime: number
  /** ms: when the import completed. */
  addedAt: number
}

/** An import in progress, recorded before its first block is written. */
export interface ImportMarker {
  id: string
  name: string
  path: string
  kind: AssetKind
  startedAt: number
  /** Set once the blocks are stored and the root is about to be pinned. */
  cid?: string
}
