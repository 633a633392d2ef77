import type { Libp2p, PeerId, Stream } from '@libp2p/interface'
import { peerIdFromString } from '@libp2p/peer-id'
import { lpStream } from '@libp2p/utils'
import { describeError } from '../common/errors.js'
import { PeerRequestError } from './errors.js'

/*
 * One request, one reply, one stream: the shape of /rynus/market and /rynus/job. Both
 * messages are length-prefixed; every read has a size limit and a deadline.
 */

export type StreamDialer = Pick<Libp2p, 'dialProtocol'>

export interface SendRequestOptions {
  maxReplyBytes: number
  /** For dial, request and reply together. */
  timeoutMs: number
  signal?: AbortSignal
}

/** Dials `peer` on `protocol`, sends `request` and returns the reply's bytes. */
export async function sendRequest(
  dialer: StreamDialer,
  peer: PeerId | string,
  protocol: string,
  request: Uint8Array,
  opts: SendRequestOptions
): Promise<Uint8Array> {
  const peerId = typeof peer === 'string' ? peerIdFromString(peer) : peer
  const timeout = AbortSignal.timeout(opts.timeoutMs)
  const signal = opts.signal === undefined ? timeout : AbortSignal.any([opts.signal, timeout])
  let stream: Stream | undefined
  try {
    stream = await dialer.dialProtocol(peerId, protocol, { signal, runOnLimitedConnection: true })
    const lp = lpStream(stream, { maxDataLength: opts.maxReplyBytes })
    await lp.write(request, { signal })
    await stream.close({ signal })
    return (await lp.read({ signal })).subarray()
  } catch (err) {
    stream?.abort(err instanceof Error ? err : new Error(String(err)))
    throw new PeerRequestError(
      `${protocol} request to ${peerId} failed (${describeError(err)}); check that the peer is online and runs a compatible rynus-node`,
      { cause: err }
    )
  }
}

export interface ServeRequestOptions {
  maxRequestBytes: number
  /** Deadline for the whole request to arrive, and for the reply to be written. */
  readTimeoutMs: number
  /** Deadline for `handle` to produce the reply. */
  handlerTimeoutMs: number
}

/**
 * Receiver side: reads one request within the limits, answers with `handle`'s reply and
 * closes. A request too large, too slow, or a handler too slow aborts the stream; the error
 * is rethrown for the caller to log.
 */
export async function serveRequest(
  stream: Stream,
  opts: ServeRequestOptions,
  handle: (request: Uint8Array) => Promise<Uint8Array>
): Promise<void> {
  const lp = lpStream(stream, { maxDataLength: opts.maxRequestBytes })
  try {
    const request = (await lp.read({ signal: AbortSignal.timeout(opts.readTimeoutMs) })).subarray()
    const reply = await withDeadline(handle(request), opts.handlerTimeoutMs)
    const signal = AbortSignal.timeout(opts.readTimeoutMs)
    await lp.write(reply, { signal })
    await stream.close({ signal })
  } catch (err) {
    stream.abort(err instanceof Error ? err : new Error(String(err)))
    throw err
  }
}

async function withDeadline<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined
  const deadline = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`the handler did not answer within ${ms} ms`)), ms)
  })
  try {
    return await Promise.race([work, deadline])
  } finally {
    clearTimeout(timer)
  }
}
