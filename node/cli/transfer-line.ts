import { formatBytes } from './units.js'

/** How often the progress line is redrawn. */
const REDRAW_MS = 250

/**
 * A one-line progress display on stderr (bytes, rate, ETA) for long transfers, drawn only
 * when stderr is a terminal so scripts and logs stay clean.
 */
export class TransferLine {
  readonly #label: string
  readonly #total?: number
  readonly #started = Date.now()
  readonly #tty = process.stderr.isTTY === true
  #last = 0
  #drawn = false
  bytes = 0

  constructor(label: string, totalBytes?: number) {
    this.#label = label
    this.#total = totalBytes
  }

  add(n: number): void {
    this.bytes += n
    const now = Date.now()
    if (!this.#tty || now - this.#last < REDRAW_MS) return
    this.#last = now
    const seconds = Math.max((now - this.#started) / 1000, 0.001)
    const rate = this.bytes / seconds
    const of = this.#total !== undefined ? ` / ${formatBytes(this.#total)}` : ''
    const eta =
      this.#total !== undefined && rate > 0
        ? `  ETA ${Math.ceil(Math.max(0, this.#total - this.bytes) / rate)}s`
        : ''
    process.stderr.write(
      `\r\x1b[K${this.#label} ${formatBytes(this.bytes)}${of}  ${formatBytes(rate)}/s${eta}`
    )
    this.#drawn = true
  }

  end(): void {
    if (this.#drawn) process.stderr.write('\r\x1b[K')
  }
}
