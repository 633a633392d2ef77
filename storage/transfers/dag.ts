import * as dagPb from '@ipld/dag-pb'
import { UnixFS } from 'ipfs-unixfs'
import type { CID } from 'multiformats/cid'
import * as raw from 'multiformats/codecs/raw'
import type { BlockBytes } from '../../protocols/bitswap/index.js'

/** A child of a DAG node, with the size of its subtree when the parent records it. */
export interface DagLink {
  cid: CID
  /** dag-pb Tsize: for a raw leaf, its block size. */
  size?: number
}

/** What a fetch needs to know about one block. */
export interface DagNode {
  links: DagLink[]
  /** Bytes of file content the block itself holds (a raw leaf: all of it). */
  content: number
  /** For a UnixFS file root: the file's size. */
  fileSize?: number
  /**
   * For a UnixFS file node or raw leaf: its own content bytes (a leaf's bytes as they came,
   * perhaps in pieces; a node's inline data).
   */
  data?: BlockBytes
  /** For a UnixFS file node: the content size under each link, in link order. */
  blockSizes?: number[]
}

/**
 * Reads the links of a block: dag-pb (UnixFS files, folders, HAMT shards) has children, raw
 * leaves and every other codec (JSON job specs) have none. Bytes that do not decode as their
 * codec say are reported by the caller's stores, not here: a CID names its bytes exactly.
 */
export function decodeDagNode(cid: CID, bytes: BlockBytes): DagNode {
  if (cid.code === raw.code) return { links: [], content: bytes.byteLength, data: bytes }
  if (cid.code !== dagPb.code) return { links: [], content: 0 }
  const node = dagPb.decode(bytes instanceof Uint8Array ? bytes : bytes.subarray())
  const links = node.Links.map((l) => ({ cid: l.Hash, ...(l.Tsize !== undefined && { size: l.Tsize }) }))
  let meta: UnixFS | undefined
  try {
    meta = node.Data !== undefined ? UnixFS.unmarshal(node.Data) : undefined
  } catch {
    meta = undefined // dag-pb that is not UnixFS: walk its links, count no content
  }
  const isFile = meta?.type === 'file' || meta?.type === 'raw'
  return {
    links,
    content: isFile ? (meta?.data?.byteLength ?? 0) : 0,
    ...(meta?.type === 'file' && { fileSize: Number(meta.fileSize()) }),
    ...(isFile && {
      data: meta?.data ?? new Uint8Array(0),
      blockSizes: (meta?.blockSizes ?? []).map(Number)
    })
  }
}

/** Whether a link points at a raw leaf (no children, its size known from the link). */
export function isRawLeaf(cid: CID): boolean {
  return cid.code === raw.code
}
