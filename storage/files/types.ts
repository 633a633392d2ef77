/** Progress of an import or export, reported after each chunk. */
export interface TransferProgress {
  /** Bytes of file content read (import) or written (export) so far. */
  bytes: number
  /** Total bytes when known (always for files; unknown for folders being fetched). */
  totalBytes?: number
  /**
   * An export first fetches missing blocks over the network (`fetch`: bytes of content now
   * stored, those already here included), then writes the file from local blocks (`write`).
   */
  phase?: 'fetch' | 'write'
  /** Blocks stored so far (fetch phase). */
  blocks?: number
  /** Network rate of the fetch (fetch phase). */
  rateBytesPerSec?: number
  /** Time left at that rate, when the total is known (fetch phase). */
  etaMs?: number
}

export interface ImportOptions {
  signal?: AbortSignal
  onProgress?: (progress: TransferProgress) => void
}

export interface ImportResult {
  /** Root CID (CIDv1, base32). */
  cid: string
  /** Bytes of file content imported (for a folder, the sum over its files). */
  size: number
}

export interface ExportOptions {
  signal?: AbortSignal
  onProgress?: (progress: TransferProgress) => void
  /** Fail with ERR_FETCH_TIMEOUT when no data arrives for this long (default 30 s). */
  timeoutMs?: number
  /** Work from local blocks only: a missing block fails at once instead of being fetched. */
  offline?: boolean
}

export interface ExportResult {
  cid: string
  /** Bytes written (for a folder, the sum over its files). */
  size: number
}
