import { StringDecoder } from 'node:string_decoder'
import { MAX_LINE_BYTES, OUTPUT_TAIL_BYTES } from './constants.js'

/**
 * Splits a byte stream into lines for a callback and keeps the stream's last bytes for error
 * messages. Memory stays bounded whatever the process prints: an overlong line is delivered in
 * pieces of MAX_LINE_BYTES characters.
 */
export class OutputLines {
  private readonly decoder = new StringDecoder('utf8')
  private partial = ''
  private tailText = ''

  constructor(private readonly onLine?: (line: string) => void) {}

  push(chunk: Buffer): void {
    this.consume(this.decoder.write(chunk))
  }

  /** Flushes the last line (one without a trailing newline). */
  end(): void {
    this.consume(this.decoder.end())
    if (this.partial.length > 0) this.emit(this.partial)
    this.partial = ''
  }

  /** The last OUTPUT_TAIL_BYTES characters seen. */
  tail(): string {
    return this.tailText
  }

  private consume(text: string): void {
    if (text.length === 0) return
    this.tailText = (this.tailText + text).slice(-OUTPUT_TAIL_BYTES)
    let rest = this.partial + text
    let newline = rest.indexOf('\n')
    while (newline !== -1) {
      this.emit(rest.slice(0, newline).replace(/\r$/, ''))
      rest = rest.slice(newline + 1)
      newline = rest.indexOf('\n')
    }
    while (rest.length > MAX_LINE_BYTES) {
      this.emit(rest.slice(0, MAX_LINE_BYTES))
      rest = rest.slice(MAX_LINE_BYTES)
    }
    this.partial = rest
  }

  private emit(line: string): void {
    this.onLine?.(line)
  }
}
