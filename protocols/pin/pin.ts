import type { Connection, Libp2p, PeerId, Stream } from '@libp2p/interface'
import { RateLimiter } from '@libp2p/utils'
import type { Helia } from 'helia'
import type { PinRecord, PinRepository } from '../../storage/repos/index.js'
import { describeError, isRynusError } from '../common/errors.js'
import type { Logger } from '../common/logger.js'
import { serveRequest } from '../market/request-stream.js'
import { decodePinRequest, encodePinAnswer, type PinAnswer, requestCid } from './codec.js'
import {
  DEFAULT_PIN_FETCH_TIMEOUT_MS,
  DEFAULT_PIN_MAX_BYTES_PER_PEER,
  DEFAULT_PIN_MAX_DURATION_MS,
  DEFAULT_PIN_MAX_PINS_PER_PEER,
  DEFAULT_PIN_REQUESTS_PER_PEER_PER_MINUTE,
  DEFAULT_PIN_SWEEP_INTERVAL_MS,
  MAX_PIN_MESSAGE_BYTES,
  PIN_MAX_CONCURRENT_FETCHES,
  PIN_MAX_INBOUND_STREAMS,
  PIN_MAX_OUTBOUND_STREAMS,
  PIN_PROTOCOL,
  PIN_READ_TIMEOUT_MS,
  PIN_REFUSALS
} from './constants.js'
import { PinKeeper, type PinLimits } from './pin-keeper.js'

export interface PinServiceOptions extends Partial<PinLimits> {
  requestsPerPeerPerMinute?: number
  sweepIntervalMs?: number
}

export interface PinServiceComponents {
  libp2p: Pick<Libp2p, 'handle' | 'unhandle'>
  helia: Pick<Helia, 'blockstore' | 'getCodec' | 'pins' | 'routing'>
  /** Where pins and their expiries are kept; the node opens and closes it. */
  repo: PinRepository
  logger: Logger
}

/**
 * `/rynus/pin/1.0.0` on a super-peer: a connected node asks it to keep a DAG (a job's spec,
 * inputs or results) for a while, so the data stays reachable when that node goes offline.
 * The asker is the connection's authenticated peer id; quotas (pins, bytes), a request rate
 * and a cap on the duration apply per peer. Expired pins are swept on a timer and at start,
 * so a restart keeps pins and their expiries.
 */
export class PinService {
  private readonly opts: Required<PinServiceOptions>
  private readonly c: PinServiceComponents
  private readonly log: Logger
  private readonly keeper: PinKeeper
  private limiter?: RateLimiter
  private sweepTimer?: NodeJS.Timeout
  private sweeping?: Promise<void>

  constructor(opts: PinServiceOptions, components: PinServiceComponents) {
    this.opts = {
      maxPinsPerPeer: opts.maxPinsPerPeer ?? DEFAULT_PIN_MAX_PINS_PER_PEER,
      maxBytesPerPeer: opts.maxBytesPerPeer ?? DEFAULT_PIN_MAX_BYTES_PER_PEER,
      maxDurationMs: opts.maxDurationMs ?? DEFAULT_PIN_MAX_DURATION_MS,
      fetchTimeoutMs: opts.fetchTimeoutMs ?? DEFAULT_PIN_FETCH_TIMEOUT_MS,
      maxConcurrentFetches: opts.maxConcurrentFetches ?? PIN_MAX_CONCURRENT_FETCHES,
      requestsPerPeerPerMinute: opts.requestsPerPeerPerMinute ?? DEFAULT_PIN_REQUESTS_PER_PEER_PER_MINUTE,
      sweepIntervalMs: opts.sweepIntervalMs ?? DEFAULT_PIN_SWEEP_INTERVAL_MS
    }
    this.c = components
    this.log = components.logger
    this.keeper = new PinKeeper(this.opts, components)
  }

  async start(): Promise<void> {
    this.limiter = new RateLimiter({ points: this.opts.requestsPerPeerPerMinute, duration: 60 })
    await this.sweep()
    await this.c.libp2p.handle(PIN_PROTOCOL, (stream, conn) => this.handleStream(stream, conn), {
      maxInboundStreams: PIN_MAX_INBOUND_STREAMS,
      maxOutboundStreams: PIN_MAX_OUTBOUND_STREAMS,
      runOnLimitedConnection: true
    })
    this.scheduleSweep()
  }

  async stop(): Promise<void> {
    clearTimeout(this.sweepTimer)
    this.sweepTimer = undefined
    await this.c.libp2p.unhandle(PIN_PROTOCOL)
    await this.keeper.stop()
    await this.sweeping
    this.limiter = undefined
  }

  /** Every pin kept for other peers now. */
  async list(): Promise<PinRecord[]> {
    return this.c.repo.all()
  }

  /** Unpins what has expired now (also run every sweepIntervalMs). */
  async sweep(): Promise<void> {
    this.sweeping = this.keeper
      .sweep()
      .then((n) => {
        if (n > 0) this.log.debug('expired pins dropped', { count: n })
      })
      .catch((err: unknown) => this.log.warn('pin sweep failed', { error: describeError(err) }))
    await this.sweeping
  }

  /** The answer to one request from `peer` (the wire handler's core; also for tests). */
  async answer(request: Uint8Array, peer: PeerId | string): Promise<PinAnswer> {
    const from = peer.toString()
    try {
      try {
        this.limiter?.consume(from)
      } catch {
        return refusal(PIN_REFUSALS.rateLimited, 'too many pin requests; slow down and try again in a minute')
      }
      const req = decodePinRequest(request)
      const cid = requestCid(req.cid)
      return req.release
        ? await this.keeper.release(from, cid)
        : await this.keeper.pin(from, cid, req.durationMs)
    } catch (err) {
      if (isRynusError(err)) {
        this.log.debug('pin refused', { peer: from, code: err.code })
        const known = (Object.values(PIN_REFUSALS) as string[]).includes(err.code)
        const code = known ? err.code : PIN_REFUSALS.request
        return refusal(code, err.message)
      }
      this.log.warn('pin request failed', { error: describeError(err) })
      return refusal(PIN_REFUSALS.internal, 'the super-peer failed to handle the pin; try again later')
    }
  }

  private async handleStream(stream: Stream, connection: Connection): Promise<void> {
    const from = connection.remotePeer
    try {
      await serveRequest(
        stream,
        {
          maxRequestBytes: MAX_PIN_MESSAGE_BYTES,
          readTimeoutMs: PIN_READ_TIMEOUT_MS,
          // a fetch gives up by itself at fetchTimeoutMs; the margin lets that answer go out
          handlerTimeoutMs: this.opts.fetchTimeoutMs + PIN_READ_TIMEOUT_MS
        },
        async (request) => encodePinAnswer(await this.answer(request, from))
      )
    } catch (err) {
      this.log.debug('pin stream dropped', { peer: from.toString(), error: describeError(err) })
    }
  }

  private scheduleSweep(): void {
    this.sweepTimer = setTimeout(() => {
      void this.sweep().then(() => {
        if (this.sweepTimer !== undefined) this.scheduleSweep()
      })
    }, this.opts.sweepIntervalMs)
    this.sweepTimer.unref()
  }
}

function refusal(code: string, reason: string): PinAnswer {
  return { accepted: false, code, reason, expiresAt: 0, bytes: 0, blocks: 0 }
}
