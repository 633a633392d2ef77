import type { Connection, Libp2p, PeerId, PrivateKey, Stream } from '@libp2p/interface'
import { RateLimiter } from '@libp2p/utils'
import { describeError, isRynusError } from '../common/errors.js'
import type { Logger } from '../common/logger.js'
import {
  type Award,
  type Bid,
  decodeAward,
  decodeBid,
  decodeMarketRequest,
  decodeReply,
  encodeAward,
  encodeBid,
  encodeMarketRequest,
  encodeReply,
  type MarketReply
} from './codec.js'
import {
  MARKET_HANDLER_TIMEOUT_MS,
  MARKET_MAX_INBOUND_STREAMS,
  MARKET_MAX_OUTBOUND_STREAMS,
  MARKET_PROTOCOL,
  MARKET_READ_TIMEOUT_MS,
  MARKET_REQUEST_TIMEOUT_MS,
  MARKET_REQUESTS_PER_PEER_PER_MINUTE,
  MAX_MARKET_MESSAGE_BYTES
} from './constants.js'
import { sendRequest, serveRequest } from './request-stream.js'
import { assertSigner } from './signing.js'

/** Answers a checked bid; `signed` is the worker's signed encoding, for evidence. */
export type BidHandler = (bid: Bid, from: string, signed: Uint8Array) => MarketReply | Promise<MarketReply>
/** Answers a checked award; `signed` is the requester's signed encoding, for evidence. */
export type AwardHandler = (
  award: Award,
  from: string,
  signed: Uint8Array
) => MarketReply | Promise<MarketReply>

export interface MarketServiceOptions {
  readTimeoutMs?: number
  handlerTimeoutMs?: number
  requestTimeoutMs?: number
  requestsPerPeerPerMinute?: number
}

export interface MarketServiceComponents {
  libp2p: Pick<Libp2p, 'handle' | 'unhandle' | 'dialProtocol'>
  /** This node's peer key: bids and awards are signed with it. */
  privateKey: PrivateKey
  logger: Logger
}

export interface SendOptions {
  signal?: AbortSignal
}

/**
 * `/rynus/market/1.0.0`: workers send signed bids to requesters, requesters send signed
 * awards to workers; each request is answered accepted or declined with a reason. Requests
 * are checked (size, shape, age, signature, signer = the connection's peer, per-peer rate)
 * before a hook sees them.
 */
export class MarketService {
  private readonly opts: Required<MarketServiceOptions>
  private readonly components: MarketServiceComponents
  private readonly log: Logger
  private limiter?: RateLimiter
  private bidHandler?: BidHandler
  private awardHandler?: AwardHandler

  constructor(opts: MarketServiceOptions, components: MarketServiceComponents) {
    this.opts = {
      readTimeoutMs: opts.readTimeoutMs ?? MARKET_READ_TIMEOUT_MS,
      handlerTimeoutMs: opts.handlerTimeoutMs ?? MARKET_HANDLER_TIMEOUT_MS,
      requestTimeoutMs: opts.requestTimeoutMs ?? MARKET_REQUEST_TIMEOUT_MS,
      requestsPerPeerPerMinute: opts.requestsPerPeerPerMinute ?? MARKET_REQUESTS_PER_PEER_PER_MINUTE
    }
    this.components = components
    this.log = components.logger
  }

  async start(): Promise<void> {
    this.limiter = new RateLimiter({ points: this.opts.requestsPerPeerPerMinute, duration: 60 })
    await this.components.libp2p.handle(
      MARKET_PROTOCOL,
      (stream, connection) => this.handleStream(stream, connection),
      {
        maxInboundStreams: MARKET_MAX_INBOUND_STREAMS,
        maxOutboundStreams: MARKET_MAX_OUTBOUND_STREAMS,
        runOnLimitedConnection: true
      }
    )
  }

  async stop(): Promise<void> {
    await this.components.libp2p.unhandle(MARKET_PROTOCOL)
    this.limiter = undefined
  }

  /** The requester's hook for incoming bids (one; a later call replaces it). */
  onBid(handler: BidHandler): void {
    this.bidHandler = handler
  }

  /** The worker's hook for incoming awards (one; a later call replaces it). */
  onAward(handler: AwardHandler): void {
    this.awardHandler = handler
  }

  /** Signs `bid` and sends it to the requester `peer`; resolves with its ack. */
  async sendBid(peer: PeerId | string, bid: Bid, options: SendOptions = {}): Promise<MarketReply> {
    const bytes = await encodeBid(this.components.privateKey, bid)
    return this.request(peer, encodeMarketRequest({ kind: 'bid', bytes }), options)
  }

  /** Signs `award` and sends it to the worker `peer`; resolves with its accept/decline. */
  async sendAward(peer: PeerId | string, award: Award, options: SendOptions = {}): Promise<MarketReply> {
    const bytes = await encodeAward(this.components.privateKey, award)
    return this.request(peer, encodeMarketRequest({ kind: 'award', bytes }), options)
  }

  private async request(
    peer: PeerId | string,
    request: Uint8Array,
    options: SendOptions
  ): Promise<MarketReply> {
    const reply = await sendRequest(this.components.libp2p, peer, MARKET_PROTOCOL, request, {
      maxReplyBytes: MAX_MARKET_MESSAGE_BYTES,
      timeoutMs: this.opts.requestTimeoutMs,
      signal: options.signal
    })
    return decodeReply(reply)
  }

  private async handleStream(stream: Stream, connection: Connection): Promise<void> {
    const from = connection.remotePeer
    try {
      await serveRequest(
        stream,
        {
          maxRequestBytes: MAX_MARKET_MESSAGE_BYTES,
          readTimeoutMs: this.opts.readTimeoutMs,
          handlerTimeoutMs: this.opts.handlerTimeoutMs
        },
        async (request) => encodeReply(await this.answer(request, from))
      )
    } catch (err) {
      this.log.debug('market stream dropped', { peer: from.toString(), error: describeError(err) })
    }
  }

  private async answer(request: Uint8Array, from: PeerId): Promise<MarketReply> {
    try {
      this.limiter?.consume(from.toString())
    } catch {
      return { accepted: false, reason: 'ERR_RATE_LIMITED: too many market requests; slow down' }
    }
    try {
      const body = decodeMarketRequest(request)
      if (body.kind === 'bid') {
        const bid = await decodeBid(body.bytes)
        assertSigner(bid.signer, from, 'bid')
        if (this.bidHandler === undefined) return { accepted: false, reason: 'this node takes no bids' }
        return await this.bidHandler(bid.value, from.toString(), bid.bytes)
      }
      const award = await decodeAward(body.bytes)
      assertSigner(award.signer, from, 'award')
      if (this.awardHandler === undefined) return { accepted: false, reason: 'this node takes no awards' }
      return await this.awardHandler(award.value, from.toString(), award.bytes)
    } catch (err) {
      if (isRynusError(err)) {
        this.log.debug('market request refused', { peer: from.toString(), code: err.code })
        return { accepted: false, reason: `${err.code}: ${err.message}` }
      }
      this.log.warn('market hook failed', { error: describeError(err) })
      return { accepted: false, reason: 'the node failed to handle the request; try again later' }
    }
  }
}
