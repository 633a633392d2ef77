/** Progress of a fetch by CID, reported as blocks are stored. */
export interface FetchProgress {
  /** Bytes of file content stored so far, those already on this node included. */
  bytes: number
  /** The file's size once its root is known (unknown for folders). */
  totalBytes?: number
  /** Blocks stored so far, those already on this node included. */
  blocks: number
  /** Bytes of blocks received from peers so far (what moved over the network). */
  fetchedBytes: number
  /** Network rate since the fetch began. */
  rateBytesPerSec: number
  /** Time left at this rate, when the total is known. */
  etaMs?: number
}

/**
 * Counts a fetch and reports after every stored block (callers throttle for display; size
 * guards see every block), then once at the end.
 */
export class FetchMeter {
  readonly #report?: (p: FetchProgress) => void
  readonly #started = performance.now()
  bytes = 0
  blocks = 0
  fetchedBytes = 0
  fetchedBlocks = 0
  totalBytes?: number

  constructor(report?: (p: FetchProgress) => void) {
    this.#report = report
  }

  tick(): void {
    this.#report?.(this.snapshot())
  }

  final(): void {
    this.#report?.(this.snapshot())
  }

  snapshot(): FetchProgress {
    const seconds = Math.max((performance.now() - this.#started) / 1000, 0.001)
    const rate = Math.round(this.fetchedBytes / seconds)
    const total = this.totalBytes
    return {
      bytes: this.bytes,
      ...(total !== undefined && { totalBytes: total }),
      blocks: this.blocks,
      fetchedBytes: this.fetchedBytes,
      rateBytesPerSec: rate,
      ...(total !== undefined &&
        rate > 0 && { etaMs: Math.round((Math.max(0, total - this.bytes) / rate) * 1000) })
    }
  }
}
