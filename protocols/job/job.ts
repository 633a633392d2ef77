import type { Connection, Libp2p, PeerId, PrivateKey, Stream } from '@libp2p/interface'
import { RateLimiter } from '@libp2p/utils'
import { describeError, isRynusError } from '../common/errors.js'
import type { Logger } from '../common/logger.js'
import { sendRequest, serveRequest } from '../market/request-stream.js'
import { assertSigner } from '../market/signing.js'
import {
  type Ack,
  type Cancel,
  decodeAck,
  decodeJobMessage,
  decodeResult,
  encodeAck,
  encodeJobMessage,
  encodeResult,
  type Heartbeat,
  type JobMessageBody,
  type Progress,
  type TaskResult
} from './codec.js'
import {
  JOB_HANDLER_TIMEOUT_MS,
  JOB_MAX_INBOUND_STREAMS,
  JOB_MAX_OUTBOUND_STREAMS,
  JOB_MESSAGES_PER_PEER_PER_MINUTE,
  JOB_PROTOCOL,
  JOB_READ_TIMEOUT_MS,
  JOB_REQUEST_TIMEOUT_MS,
  MAX_JOB_MESSAGE_BYTES
} from './constants.js'

/** A hook's answer; nothing (undefined) means accepted. */
type HookAnswer = Ack | undefined | Promise<Ack | undefined>

export type ProgressHandler = (progress: Progress, from: string) => HookAnswer
export type HeartbeatHandler = (heartbeat: Heartbeat, from: string) => HookAnswer
/** `signed` is the worker's signed encoding of the result: keep it as evidence. */
export type ResultHandler = (result: TaskResult, from: string, signed: Uint8Array) => HookAnswer
export type CancelHandler = (cancel: Cancel, from: string) => HookAnswer

export interface JobChannelOptions {
  readTimeoutMs?: number
  handlerTimeoutMs?: number
  requestTimeoutMs?: number
  messagesPerPeerPerMinute?: number
}

export interface JobChannelComponents {
  libp2p: Pick<Libp2p, 'handle' | 'unhandle' | 'dialProtocol'>
  /** This node's peer key: results are signed with it. */
  privateKey: PrivateKey
  logger: Logger
}

export interface SendOptions {
  signal?: AbortSignal
}

/**
 * `/rynus/job/1.0.0`: a worker reports progress, heartbeats and the signed result of an
 * awarded task to its requester; either side may cancel. Each message travels on its own
 * stream and is answered by an ack. Messages are checked (size, shape, result signature and
 * signer = the connection's peer, per-peer rate) before a hook sees them.
 */
export class JobChannel {
  private readonly opts: Required<JobChannelOptions>
  private readonly components: JobChannelComponents
  private readonly log: Logger
  private limiter?: RateLimiter
  private progressHandler?: ProgressHandler
  private heartbeatHandler?: HeartbeatHandler
  private resultHandler?: ResultHandler
  private cancelHandler?: CancelHandler

  constructor(opts: JobChannelOptions, components: JobChannelComponents) {
    this.opts = {
      readTimeoutMs: opts.readTimeoutMs ?? JOB_READ_TIMEOUT_MS,
      handlerTimeoutMs: opts.handlerTimeoutMs ?? JOB_HANDLER_TIMEOUT_MS,
      requestTimeoutMs: opts.requestTimeoutMs ?? JOB_REQUEST_TIMEOUT_MS,
      messagesPerPeerPerMinute: opts.messagesPerPeerPerMinute ?? JOB_MESSAGES_PER_PEER_PER_MINUTE
    }
    this.components = components
    this.log = components.logger
  }

  async start(): Promise<void> {
    this.limiter = new RateLimiter({ points: this.opts.messagesPerPeerPerMinute, duration: 60 })
    await this.components.libp2p.handle(JOB_PROTOCOL, (stream, conn) => this.handleStream(stream, conn), {
      maxInboundStreams: JOB_MAX_INBOUND_STREAMS,
      maxOutboundStreams: JOB_MAX_OUTBOUND_STREAMS,
      runOnLimitedConnection: true
    })
  }

  async stop(): Promise<void> {
    await this.components.libp2p.unhandle(JOB_PROTOCOL)
    this.limiter = undefined
  }

  onProgress(handler: ProgressHandler): void {
    this.progressHandler = handler
  }

  onHeartbeat(handler: HeartbeatHandler): void {
    this.heartbeatHandler = handler
  }

  onResult(handler: ResultHandler): void {
    this.resultHandler = handler
  }

  onCancel(handler: CancelHandler): void {
    this.cancelHandler = handler
  }

  async sendProgress(peer: PeerId | string, progress: Progress, options: SendOptions = {}): Promise<Ack> {
    return this.send(peer, { kind: 'progress', value: progress }, options)
  }

  async sendHeartbeat(peer: PeerId | string, heartbeat: Heartbeat, options: SendOptions = {}): Promise<Ack> {
    return this.send(peer, { kind: 'heartbeat', value: heartbeat }, options)
  }

  /** Signs the result with this node's key and sends it to the requester. */
  async sendResult(peer: PeerId | string, result: TaskResult, options: SendOptions = {}): Promise<Ack> {
    const bytes = await encodeResult(this.components.privateKey, result)
    return this.send(peer, { kind: 'result', bytes }, options)
  }

  async sendCancel(peer: PeerId | string, cancel: Cancel, options: SendOptions = {}): Promise<Ack> {
    return this.send(peer, { kind: 'cancel', value: cancel }, options)
  }

  private async send(peer: PeerId | string, body: JobMessageBody, options: SendOptions): Promise<Ack> {
    const reply = await sendRequest(this.components.libp2p, peer, JOB_PROTOCOL, encodeJobMessage(body), {
      maxReplyBytes: MAX_JOB_MESSAGE_BYTES,
      timeoutMs: this.opts.requestTimeoutMs,
      signal: options.signal
    })
    return decodeAck(reply)
  }

  private async handleStream(stream: Stream, connection: Connection): Promise<void> {
    const from = connection.remotePeer
    try {
      await serveRequest(
        stream,
        {
          maxRequestBytes: MAX_JOB_MESSAGE_BYTES,
          readTimeoutMs: this.opts.readTimeoutMs,
          handlerTimeoutMs: this.opts.handlerTimeoutMs
        },
        async (request) => encodeAck(await this.answer(request, from))
      )
    } catch (err) {
      this.log.debug('job stream dropped', { peer: from.toString(), error: describeError(err) })
    }
  }

  private async answer(request: Uint8Array, from: PeerId): Promise<Ack> {
    try {
      this.limiter?.consume(from.toString())
    } catch {
      return { accepted: false, reason: 'ERR_RATE_LIMITED: too many job messages; slow down' }
    }
    try {
      const answer = await this.dispatch(decodeJobMessage(request), from)
      return answer ?? { accepted: true, reason: '' }
    } catch (err) {
      if (isRynusError(err)) {
        this.log.debug('job message refused', { peer: from.toString(), code: err.code })
        return { accepted: false, reason: `${err.code}: ${err.message}` }
      }
      this.log.warn('job hook failed', { error: describeError(err) })
      return { accepted: false, reason: 'the node failed to handle the message; try again later' }
    }
  }

  private async dispatch(body: JobMessageBody, from: PeerId): Promise<Ack | undefined> {
    const peer = from.toString()
    const unhandled = { accepted: false, reason: `this node does not handle ${body.kind} messages` }
    switch (body.kind) {
      case 'progress':
        return this.progressHandler === undefined ? unhandled : this.progressHandler(body.value, peer)
      case 'heartbeat':
        return this.heartbeatHandler === undefined ? unhandled : this.heartbeatHandler(body.value, peer)
      case 'cancel':
        return this.cancelHandler === undefined ? unhandled : this.cancelHandler(body.value, peer)
      case 'result': {
        const result = await decodeResult(body.bytes)
        assertSigner(result.signer, from, 'result')
        if (this.resultHandler === undefined) return unhandled
        return this.resultHandler(result.value, peer, result.bytes)
      }
    }
  }
}
