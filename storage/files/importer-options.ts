import type { AddOptions } from '@helia/unixfs'
import { fixedSize } from 'ipfs-unixfs-importer/chunker'
import { balanced } from 'ipfs-unixfs-importer/layout'
import {
  BLOCK_WRITE_CONCURRENCY,
  CHUNK_SIZE_BYTES,
  FILE_IMPORT_CONCURRENCY,
  MAX_CHILDREN_PER_NODE
} from './constants.js'

/**
 * How every Rynus import lays out UnixFS: CIDv1, 1 MiB fixed-size raw leaves, balanced
 * tree. Fixed in one place because the same bytes must always give the same CID.
 */
export function importerOptions(signal?: AbortSignal): AddOptions {
  return {
    cidVersion: 1,
    rawLeaves: true,
    reduceSingleLeafToSelf: true,
    chunker: fixedSize({ chunkSize: CHUNK_SIZE_BYTES }),
    layout: balanced({ maxChildrenPerNode: MAX_CHILDREN_PER_NODE }),
    blockWriteConcurrency: BLOCK_WRITE_CONCURRENCY,
    fileImportConcurrency: FILE_IMPORT_CONCURRENCY,
    signal
  }
}
