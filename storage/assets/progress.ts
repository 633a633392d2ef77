import { CHUNK_SIZE_BYTES } from '../files/constants.js'
import { PROGRESS_INTERVAL_MS } from './constants.js'

/** Progress of an asset import or export. */
export interface AssetProgress {
  /** `fetch`: blocks fetched from peers into this node (`assets get --fetch`). */
  phase: 'import' | 'export' | 'fetch'
  name: string
  /** Content bytes read (import) or delivered (export) so far. */
  bytes: number
  totalBytes?: number
  /** Leaf blocks written so far (import). */
  blocks: number
  rateBytesPerSec: number
  etaMs?: number
  cid?: string
  /** The last report of this transfer. */
  done?: true
}

/** Counts bytes and reports at most every PROGRESS_INTERVAL_MS, then once more when done. */
export class ProgressMeter {
  readonly #report?: (p: AssetProgress) => void
  readonly #phase: AssetProgress['phase']
  readonly #name: string
  readonly #totalBytes?: number
  readonly #started = Date.now()
  #last = 0
  bytes = 0
  storedBytes = 0

  constructor(
    phase: AssetProgress['phase'],
    name: string,
    totalBytes: number | undefined,
    report?: (p: AssetProgress) => void
  ) {
    this.#phase = phase
    this.#name = name
    this.#totalBytes = totalBytes
    this.#report = report
  }

  /** Content bytes read (before compression). */
  read(n: number): void {
    this.bytes += n
    const now = Date.now()
    if (now - this.#last >= PROGRESS_INTERVAL_MS) {
      this.#last = now
      this.#report?.(this.snapshot())
    }
  }

  /** Bytes handed to the store (after compression). */
  stored(n: number): void {
    this.storedBytes += n
  }

  done(cid?: string): void {
    this.#report?.({ ...this.snapshot(), ...(cid !== undefined && { cid }), done: true })
  }

  snapshot(): AssetProgress {
    const seconds = Math.max((Date.now() - this.#started) / 1000, 0.001)
    const rate = Math.round(this.bytes / seconds)
    const total = this.#totalBytes
    return {
      phase: this.#phase,
      name: this.#name,
      bytes: this.bytes,
      ...(total !== undefined && { totalBytes: total }),
      blocks: Math.ceil(this.storedBytes / CHUNK_SIZE_BYTES),
      rateBytesPerSec: rate,
      ...(total !== undefined &&
        rate > 0 && { etaMs: Math.round((Math.max(0, total - this.bytes) / rate) * 1000) })
    }
  }
}
