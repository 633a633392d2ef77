import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { Helia } from 'helia'
import { describeError, isRynusError } from '../../protocols/common/errors.js'
import type { Logger } from '../../protocols/common/logger.js'
import { PortInUseError } from '../config/errors.js'
import {
  DEFAULT_GATEWAY_MAX_CONCURRENT_REQUESTS,
  DEFAULT_GATEWAY_REQUEST_TIMEOUT_MS,
  GATEWAY_HEADERS_TIMEOUT_MS,
  GATEWAY_IDLE_SOCKET_TIMEOUT_MS,
  GATEWAY_RETRY_AFTER_SECONDS
} from './constants.js'
import { parseGatewayRequest } from './request.js'
import { GatewayAnswer, resolvePath, type ServeContext, serveCar, serveFile, serveRaw } from './responses.js'

export interface GatewayOptions {
  host: string
  port: number
  maxConcurrentRequests?: number
  requestTimeoutMs?: number
}

export interface GatewayComponents {
  helia: Pick<Helia, 'blockstore' | 'getCodec'>
  logger: Logger
}

const SERVE = { raw: serveRaw, car: serveCar, file: serveFile }

function sendText(
  res: ServerResponse,
  status: number,
  text: string,
  extra: Record<string, string> = {}
): void {
  const body = `${text}\n`
  res.writeHead(status, {
    'content-type': 'text/plain; charset=utf-8',
    'content-length': Buffer.byteLength(body),
    'x-content-type-options': 'nosniff',
    'cache-control': 'no-store',
    'access-control-allow-origin': '*',
    ...extra
  })
  res.end(body)
}

/**
 * A read-only trustless HTTP gateway (specs.ipfs.tech/http-gateways/trustless-gateway) over
 * the node's own blocks: `GET|HEAD /ipfs/<cid>` as a raw block, a CARv1 of the DAG, or a
 * UnixFS file's bytes. It never fetches from the network, so it serves only what the node
 * stores (on a super-peer: the job data it pins). No token: everything here is public by
 * its CID. Bounded: concurrent requests, a deadline per response, header and idle timeouts.
 */
export class TrustlessGateway {
  private readonly opts: Required<GatewayOptions>
  private readonly c: GatewayComponents
  private readonly server: Server
  private readonly shutdown = new AbortController()
  private active = 0

  constructor(opts: GatewayOptions, components: GatewayComponents) {
    this.opts = {
      maxConcurrentRequests: DEFAULT_GATEWAY_MAX_CONCURRENT_REQUESTS,
      requestTimeoutMs: DEFAULT_GATEWAY_REQUEST_TIMEOUT_MS,
      ...opts
    }
    this.c = components
    this.server = createServer((req, res) => {
      void this.handle(req, res)
    })
    this.server.requestTimeout = GATEWAY_HEADERS_TIMEOUT_MS
    this.server.headersTimeout = GATEWAY_HEADERS_TIMEOUT_MS
    this.server.timeout = GATEWAY_IDLE_SOCKET_TIMEOUT_MS
    this.server.maxHeadersCount = 64
  }

  async start(): Promise<void> {
    const { host, port } = this.opts
    await new Promise<void>((resolve, reject) => {
      const onError = (err: NodeJS.ErrnoException): void => {
        reject(
          err.code === 'EADDRINUSE'
            ? new PortInUseError(
                `gateway port ${port} on ${host} is already in use by another program; stop it or pass --gateway-port <free port>`
              )
            : err
        )
      }
      this.server.once('error', onError)
      this.server.listen(port, host, () => {
        this.server.off('error', onError)
        resolve()
      })
    })
  }

  async stop(): Promise<void> {
    this.shutdown.abort()
    this.server.closeAllConnections()
    await new Promise<void>((resolve) => this.server.close(() => resolve()))
  }

  address(): { host: string; port: number } {
    const a = this.server.address() as AddressInfo
    return { host: a.address, port: a.port }
  }

  /** Where a person or curl reaches it, e.g. http://127.0.0.1:4180 */
  url(): string {
    const { host, port } = this.address()
    return `http://${host.includes(':') ? `[${host}]` : host}:${port}`
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const method = req.method ?? 'GET'
    if (method !== 'GET' && method !== 'HEAD') {
      sendText(res, 405, 'this gateway is read-only: use GET or HEAD', { allow: 'GET, HEAD' })
      return
    }
    const url = new URL(req.url ?? '/', 'http://gateway')
    if (url.pathname === '/') {
      sendText(
        res,
        200,
        'Rynus trustless gateway: GET /ipfs/<cid>[/<path>] (?format=raw, ?format=car, or the file itself)'
      )
      return
    }
    const parsed = parseGatewayRequest(url, req.headers.accept)
    if ('status' in parsed) {
      sendText(res, parsed.status, parsed.message)
      return
    }
    if (this.active >= this.opts.maxConcurrentRequests) {
      sendText(res, 503, 'the gateway is busy; try again shortly', {
        'retry-after': String(GATEWAY_RETRY_AFTER_SECONDS)
      })
      return
    }
    this.active += 1
    const gone = new AbortController()
    res.once('close', () => gone.abort())
    const signal = AbortSignal.any([
      gone.signal,
      this.shutdown.signal,
      AbortSignal.timeout(this.opts.requestTimeoutMs)
    ])
    const ctx: ServeContext = {
      helia: this.c.helia,
      req: parsed,
      head: method === 'HEAD',
      signal,
      ifNoneMatch: req.headers['if-none-match'],
      res
    }
    try {
      await resolvePath(ctx)
      await SERVE[ctx.req.format](ctx)
    } catch (err) {
      this.fail(res, err, signal)
    } finally {
      this.active -= 1
    }
  }

  private fail(res: ServerResponse, err: unknown, signal: AbortSignal): void {
    if (res.headersSent) {
      // the status is out: cutting the stream is the only way to say the body is incomplete
      this.c.logger.debug('gateway response cut short', { error: describeError(err) })
      res.destroy()
      return
    }
    const [status, text] = this.refusalFor(err, signal)
    if (status === 500) this.c.logger.warn('gateway request failed', { error: describeError(err) })
    sendText(res, status, text)
  }

  private refusalFor(err: unknown, signal: AbortSignal): [number, string] {
    if (err instanceof GatewayAnswer) return [err.status, err.message]
    if (signal.aborted) return [504, 'the response took too long and was stopped']
    if (isRynusError(err) && err.code === 'ERR_BLOCK_MISSING') return [404, err.message]
    const name = (err as Error | undefined)?.name
    if (name === 'BlockNotFoundWhileOfflineError')
      return [404, 'part of this content is not stored on this gateway']
    if (name === 'NotUnixFSError')
      return [406, 'this is not UnixFS data; ask for it with ?format=raw or ?format=car']
    return [500, 'internal error; see the node log']
  }
}
