import { createHash } from 'node:crypto'
import type { Stream } from '@libp2p/interface'
import { nextDrain } from '../../protocols/common/drain.js'

/**
 * A tiny test protocol for moving bulk bytes over one libp2p stream: the dialer sends N
 * bytes and closes its side; the listener hashes everything it read and answers with the
 * byte count and SHA-256. Used by the relay test and the stream benchmark.
 */
export const TRANSFER_PROTOCOL = '/rynus/test/transfer/1.0.0'

export interface TransferReport {
  bytes: number
  sha256: string
}

/** Writes `total` bytes from `source` (repeated) with backpressure, then half-closes. */
export async function sendBytes(
  stream: Stream,
  source: Uint8Array,
  total: number,
  chunkSize = 64 * 1024
): Promise<void> {
  let sent = 0
  while (sent < total) {
    const n = Math.min(chunkSize, total - sent)
    const offset = sent % source.byteLength
    const chunk =
      offset + n <= source.byteLength ? source.subarray(offset, offset + n) : source.subarray(0, n)
    if (!stream.send(chunk)) await nextDrain(stream)
    sent += n
  }
  await stream.close()
}

/** The expected report for `sendBytes(source, total)`. */
export function expectedReport(source: Uint8Array, total: number, chunkSize = 64 * 1024): TransferReport {
  const hash = createHash('sha256')
  let sent = 0
  while (sent < total) {
    const n = Math.min(chunkSize, total - sent)
    const offset = sent % source.byteLength
    hash.update(offset + n <= source.byteLength ? source.subarray(offset, offset + n) : source.subarray(0, n))
    sent += n
  }
  return { bytes: total, sha256: hash.digest('hex') }
}

/**
 * Listener side: reads to the end, replies with the report as JSON, closes. `hash: false`
 * only counts bytes (for throughput measurements, like a raw TCP sink).
 */
export async function receiveAndReport(
  stream: Stream,
  opts: { hash?: boolean } = {}
): Promise<TransferReport> {
  const hash = opts.hash === false ? undefined : createHash('sha256')
  let bytes = 0
  for await (const chunk of stream) {
    if (hash !== undefined) {
      for (const buf of chunk instanceof Uint8Array ? [chunk] : chunk) hash.update(buf)
    }
    bytes += chunk.byteLength
  }
  const report = { bytes, sha256: hash?.digest('hex') ?? '' }
  stream.send(new TextEncoder().encode(JSON.stringify(report)))
  await stream.close()
  return report
}

/** Dialer side after sending: reads the listener's JSON report. */
export async function readReport(stream: Stream): Promise<TransferReport> {
  const parts: Uint8Array[] = []
  for await (const chunk of stream) parts.push(chunk instanceof Uint8Array ? chunk : chunk.subarray())
  return JSON.parse(Buffer.concat(parts).toString('utf8')) as TransferReport
}
