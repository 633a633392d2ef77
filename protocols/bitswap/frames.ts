import type { Stream } from '@libp2p/interface'
import { Uint8ArrayList } from 'uint8arraylist'
import { BitswapMessageError } from './errors.js'
import { readVarint } from './varint.js'

/**
 * Bytes held for messages not yet complete, shared by all of one peer's streams: `hold`
 * throws once the peer's total would pass its limit (many streams each holding a partial
 * message), `release` gives bytes back.
 */
export interface FrameBudget {
  hold(bytes: number): void
  release(bytes: number): void
}

/**
 * The length-prefixed messages arriving on `stream`, each as the chunks it arrived in (not
 * copied into one buffer: a 1 MiB block spans ~17 of them). A length over `maxBytes` fails
 * before anything of it is buffered; so do a truncated last message, `idleMs` without a byte,
 * a message still incomplete `idleMs` after its first byte (a peer trickling bytes to hold a
 * buffer), and bytes held past `budget` (counted with the peer's other streams).
 */
export async function* readFrames(
  stream: Stream,
  maxBytes: number,
  idleMs: number,
  budget?: FrameBudget
): AsyncGenerator<Uint8ArrayList> {
  const buffer = new Uint8ArrayList()
  const idle = setTimeout(() => stream.abort(new BitswapMessageError(`no message for ${idleMs} ms`)), idleMs)
  let begun = 0
  try {
    for await (const chunk of stream) {
      idle.refresh()
      const now = Date.now()
      if (buffer.byteLength === 0) begun = now
      else if (now - begun > idleMs)
        throw new BitswapMessageError(`a message took over ${idleMs} ms to arrive`)
      budget?.hold(chunk.byteLength)
      buffer.append(chunk)
      while (buffer.byteLength > 0) {
        const length = readVarint((i) => (i < buffer.byteLength ? buffer.get(i) : undefined), 0)
        if (length === undefined) break
        if (length.value > maxBytes) {
          throw new BitswapMessageError(
            `a message of ${length.value} bytes is over the ${maxBytes}-byte limit`
          )
        }
        const end = length.length + length.value
        if (buffer.byteLength < end) break
        const frame = buffer.sublist(length.length, end)
        buffer.consume(end)
        budget?.release(end)
        begun = now
        yield frame
      }
    }
    if (buffer.byteLength > 0) throw new BitswapMessageError('the stream ended inside a message')
  } finally {
    clearTimeout(idle)
    budget?.release(buffer.byteLength)
  }
}
