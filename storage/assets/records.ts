import type { Chunking } from '../files/importer-options.js'
import type { AssetCodec, CompressMode } from './codec.js'

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
  /** Leaf blocks (chunks) of content. */
  chunks: number
  /** How the content was cut into chunks (absent in records older than the field: fixed-1mib). */
  chunking?: Chunking
  /** The watch that keeps this asset up to date with its folder or file, while there is one. */
  watchId?: string
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

/** What a watched asset's last import stored of one file (the size and mtime it had then). */
export interface WatchedFile {
  size: number
  /** ms, as stat gave it */
  mtime: number
  /** The file's own root CID and DAG size (what its parent folder links to). */
  cid: string
  dagSize: number
  storedBytes: number
  chunks: number
  codec: AssetCodec
}

/** A local file or folder the node keeps imported: each change makes a new version of the asset. */
export interface WatchRecord {
  id: string
  /** Absolute local path watched. */
  path: string
  name: string
  kind: AssetKind
  compress: CompressMode
  pin: boolean
  /** Root CID of the current version (the asset's key in the index). */
  cid: string
  /** 1 for the first import, +1 for every change since. */
  version: number
  /** '/'-separated path inside the folder ('' for a single-file asset) → what was imported. */
  files: Record<string, WatchedFile>
  /** Folders inside ('/'-separated), so empty ones stay in the tree. */
  dirs: string[]
  /** What the last new version changed. */
  lastChange?: { changed: string[]; removed: string[] }
  /** ms: when the current version was recorded. */
  updatedAt: number
}
