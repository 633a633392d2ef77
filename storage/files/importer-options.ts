import type { AddOptions } from '@helia/unixfs'
import { type Chunker, fixedSize } from 'ipfs-unixfs-importer/chunker'
import { balanced } from 'ipfs-unixfs-importer/layout'
import { contentDefined } from './cdc-chunker.js'
import {
  BLOCK_WRITE_CONCURRENCY,
  CDC_AVG_BYTES,
  CDC_MAX_BYTES,
  CDC_MIN_BYTES,
  CHUNK_SIZE_BYTES,
  FILE_IMPORT_CONCURRENCY,
  MAX_CHILDREN_PER_NODE
} from './constants.js'

/**
 * How a file's bytes are cut into leaves: `fixed-1mib` for ordinary imports, `fastcdc-512kib`
 * (content-defined) for watched assets, whose edits then move only the chunks around them.
 * The same bytes give the same CID under the same chunking, so an asset records its chunking.
 */
export type Chunking = 'fixed-1mib' | 'fastcdc-512kib'

export const CHUNKINGS: readonly Chunking[] = ['fixed-1mib', 'fastcdc-512kib']

/** The importer chunker of a chunking. */
export function chunkerOf(chunking: Chunking): Chunker {
  return chunking === 'fixed-1mib'
    ? fixedSize({ chunkSize: CHUNK_SIZE_BYTES })
    : contentDefined({ minBytes: CDC_MIN_BYTES, avgBytes: CDC_AVG_BYTES, maxBytes: CDC_MAX_BYTES })
}

/**
 * How every Rynus import lays out UnixFS: CIDv1, raw leaves (1 MiB fixed-size unless told
 * otherwise), balanced tree. Fixed in one place because the same bytes must always give the
 * same CID.
 */
export function importerOptions(signal?: AbortSignal, chunking: Chunking = 'fixed-1mib'): AddOptions {
  return {
    cidVersion: 1,
    rawLeaves: true,
    reduceSingleLeafToSelf: true,
    chunker: chunkerOf(chunking),
    layout: balanced({ maxChildrenPerNode: MAX_CHILDREN_PER_NODE }),
    blockWriteConcurrency: BLOCK_WRITE_CONCURRENCY,
    fileImportConcurrency: FILE_IMPORT_CONCURRENCY,
    signal
  }
}
