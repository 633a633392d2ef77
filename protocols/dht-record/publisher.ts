import type { PrivateKey } from '@libp2p/interface'
import { describeError } from '../common/errors.js'
import type { Logger } from '../common/logger.js'
import { recordKey, signRecord } from './record.js'

/** The slice of kad-dht the publisher uses. */
export interface DhtPut {
  put(key: Uint8Array, value: Uint8Array, options?: { signal?: AbortSignal }): AsyncIterable<unknown>
}

export interface RecordPublisherOptions {
  kind: string
  ttlMs: number
  /** Produces the current payload each time the record is (re)published. */
  payload(): Uint8Array | Promise<Uint8Array>
  /** Retry delay after a failed put (e.g. no DHT peers yet). */
  retryMs?: number
}

export interface RecordPublisherComponents {
  privateKey: PrivateKey
  peerId: { toString(): string }
  dht: DhtPut
  logger: Logger
}

/**
 * Keeps this peer's `/rynus/<kind>/<peer id>` record in the DHT: publishes at start, again
 * at half its TTL (so it never lapses), and retries soon after a failure.
 */
export class RecordPublisher {
  private readonly opts: RecordPublisherOptions
  private readonly components: RecordPublisherComponents
  private timer?: NodeJS.Timeout
  private controller?: AbortController
  private publishing?: Promise<void>

  constructor(opts: RecordPublisherOptions, components: RecordPublisherComponents) {
    this.opts = opts
    this.components = components
  }

  start(): void {
    this.controller = new AbortController()
    this.schedule(0)
  }

  stop(): void {
    clearTimeout(this.timer)
    this.controller?.abort()
    this.controller = undefined
  }

  /** Publishes now; resolves when the put finished (or failed, which is logged and retried). */
  async publishNow(): Promise<boolean> {
    const { kind, ttlMs } = this.opts
    const { privateKey, peerId, dht, logger } = this.components
    const signal = this.controller?.signal
    try {
      const value = await signRecord(privateKey, kind, await this.opts.payload(), ttlMs)
      for await (const _event of dht.put(recordKey(kind, peerId.toString()), value, { signal })) {
        // drain the query events
      }
      logger.debug('record published', { kind })
      return true
    } catch (err) {
      if (signal?.aborted === true) return false
      logger.debug('record publish failed, will retry', { kind, error: describeError(err) })
      return false
    }
  }

  private schedule(delayMs: number): void {
    if (this.controller === undefined) return
    this.timer = setTimeout(() => {
      this.publishing = this.publishNow().then((ok) => {
        this.schedule(ok ? this.opts.ttlMs / 2 : (this.opts.retryMs ?? 5_000))
      })
    }, delayMs)
    this.timer.unref()
  }

  /** For shutdown: waits for a publish in flight to settle. */
  async settled(): Promise<void> {
    await this.publishing
  }
}
