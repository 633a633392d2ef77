import type { Libp2p, PeerId, Stream } from '@libp2p/interface'
import type { Uint8ArrayList } from 'uint8arraylist'
import { nextDrain } from '../common/drain.js'
import { BITSWAP_OUTBOX_IDLE_MS, BITSWAP_PROTOCOL, BITSWAP_SEND_TIMEOUT_MS } from './constants.js'

/**
 * Our bitswap messages to one peer, written in order on one long-lived outbound stream. The
 * stream is opened on the first message, reopened when the peer or the network closed it,
 * and closed after BITSWAP_OUTBOX_IDLE_MS without a message. helia and kubo open a stream
 * (and negotiate its protocol) for every message; one stream spares both sides that work
 * per message, and bitswap peers read any number of messages from a stream.
 */
export class PeerOutbox {
  readonly #libp2p: Libp2p
  readonly #peer: PeerId
  #stream?: Stream
  #tail: Promise<void> = Promise.resolve()
  #idle?: NodeJS.Timeout
  #closed = false

  constructor(libp2p: Libp2p, peer: PeerId) {
    this.#libp2p = libp2p
    this.#peer = peer
  }

  /**
   * Queues `frame` (one length-prefixed message) after the messages before it; resolves
   * once the stream took it, rejects when it could not be sent.
   */
  send(frame: Uint8Array | Uint8ArrayList): Promise<void> {
    const sent = this.#tail.then(() => this.#write(frame))
    this.#tail = sent.catch(() => {})
    return sent
  }

  /** Closes the stream once queued messages are out; later sends open a new one. */
  close(): void {
    this.#closed = true
    clearTimeout(this.#idle)
    this.#enqueueClose()
  }

  #enqueueClose(): void {
    this.#tail = this.#tail.then(() => this.#closeStream())
  }

  async #write(frame: Uint8Array | Uint8ArrayList): Promise<void> {
    if (this.#closed) throw new Error('the outbox is closed')
    clearTimeout(this.#idle)
    const signal = AbortSignal.timeout(BITSWAP_SEND_TIMEOUT_MS)
    let stream = await this.#open(signal)
    try {
      if (!stream.send(frame)) await nextDrain(stream, signal)
    } catch (err) {
      stream.abort(err as Error)
      this.#stream = undefined
      if (signal.aborted) throw err
      // the stream was already closed (the peer's idle timeout): once more on a new one
      stream = await this.#open(signal)
      if (!stream.send(frame)) await nextDrain(stream, signal)
    }
    if (!this.#closed) this.#idle = setTimeout(() => this.#enqueueClose(), BITSWAP_OUTBOX_IDLE_MS)
  }

  async #open(signal: AbortSignal): Promise<Stream> {
    const current = this.#stream
    if (current !== undefined && current.status === 'open' && current.writeStatus === 'writable')
      return current
    this.#stream = undefined
    const stream = await this.#libp2p.dialProtocol(this.#peer, BITSWAP_PROTOCOL, {
      signal,
      runOnLimitedConnection: true
    })
    // a Rynus peer never answers on our stream; its replies come on its own
    void stream.closeRead().catch(() => {})
    this.#stream = stream
    return stream
  }

  async #closeStream(): Promise<void> {
    const stream = this.#stream
    this.#stream = undefined
    await stream?.close().catch((err: Error) => stream.abort(err))
  }
}
