import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { WebSocket, WebSocketServer } from 'ws'
import { describeError, isRynusError } from '../../protocols/common/errors.js'
import type { Logger } from '../../protocols/common/logger.js'
import { PortInUseError } from '../config/errors.js'
import { isAuthorized } from './auth.js'
import {
  API_PREFIX,
  HEADERS_TIMEOUT_MS,
  IDLE_SOCKET_TIMEOUT_MS,
  MAX_EVENT_CLIENT_BUFFER_BYTES,
  MAX_EVENT_CLIENTS,
  MAX_JSON_BODY_BYTES
} from './constants.js'
import {
  BadRequestError,
  NotFoundError,
  PayloadTooLargeError,
  STATUS_BY_CODE,
  UnauthorizedError
} from './errors.js'
import { serveStatic } from './static.js'

export interface ApiRequest {
  method: string
  url: URL
  params: Record<string, string>
  /** Parses the JSON body (bounded in size). */
  json(): Promise<unknown>
  raw: IncomingMessage
}

/** A handler returns a JSON-able value, or takes over `res` itself and returns undefined. */
export type ApiHandler = (req: ApiRequest, res: ServerResponse) => Promise<unknown> | unknown

export interface ApiEvent {
  type: string
  [key: string]: unknown
}

export interface ApiServerOptions {
  host: string
  port: number
  token: string
  /** Folder of the built web UI, served at `/` when present. */
  webuiDir?: string
  /** Sent to each WebSocket client right after it connects (e.g. current status). */
  greeting?: () => Promise<ApiEvent[]> | ApiEvent[]
  /** Prometheus exposition for GET /metrics (token required); absent: metrics are off. */
  metrics?: () => Promise<{ contentType: string; body: string }>
}

interface Route {
  method: string
  parts: string[]
  handler: ApiHandler
}

function matchRoute(route: Route, method: string, parts: string[]): Record<string, string> | undefined {
  if (route.method !== method || route.parts.length !== parts.length) return undefined
  const params: Record<string, string> = {}
  for (let i = 0; i < parts.length; i++) {
    const want = route.parts[i]
    if (want.startsWith(':')) params[want.slice(1)] = decodeURIComponent(parts[i])
    else if (want !== parts[i]) return undefined
  }
  return params
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = []
  let size = 0
  for await (const chunk of req) {
    size += (chunk as Buffer).byteLength
    if (size > MAX_JSON_BODY_BYTES) throw new PayloadTooLargeError(MAX_JSON_BODY_BYTES)
    chunks.push(chunk as Buffer)
  }
  if (size === 0) return {}
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8'))
  } catch {
    throw new BadRequestError('request body is not valid JSON')
  }
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body, (_k, v) => (typeof v === 'bigint' ? v.toString() : v))
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
    'cache-control': 'no-store'
  })
  res.end(text)
}

function sendError(res: ServerResponse, err: unknown): void {
  const code = (err as { code?: unknown }).code
  const known = isRynusError(err)
  const status = typeof code === 'string' ? (STATUS_BY_CODE[code] ?? (known ? 400 : 500)) : 500
  const fields = (err as { fields?: Record<string, string> }).fields
  sendJson(res, status, {
    error: {
      code: typeof code === 'string' && known ? code : 'ERR_INTERNAL',
      message: known ? describeError(err) : 'internal error; see the node log',
      ...(fields !== undefined ? { fields } : {})
    }
  })
}

/**
 * The node's local HTTP API: JSON under /api/v1 behind a bearer token, a WebSocket event
 * stream at /api/v1/events, and the built web UI at /.
 */
export class ApiServer {
  private readonly opts: ApiServerOptions
  private readonly log: Logger
  private readonly routes: Route[] = []
  private readonly server: Server
  private readonly wss: WebSocketServer

  constructor(opts: ApiServerOptions, components: { logger: Logger }) {
    this.opts = opts
    this.log = components.logger
    this.server = createServer((req, res) => {
      this.handle(req, res).catch((err) => {
        this.log.error('api handler failed', { error: describeError(err) })
        if (!res.headersSent) sendError(res, err)
        else res.destroy()
      })
    })
    // uploads of big scenes take as long as they take; an idle or trickling client is cut off
    this.server.requestTimeout = 0
    this.server.timeout = IDLE_SOCKET_TIMEOUT_MS
    this.server.headersTimeout = HEADERS_TIMEOUT_MS
    this.server.maxHeadersCount = 100
    this.wss = new WebSocketServer({ noServer: true, maxPayload: 64 * 1024 })
    this.server.on('upgrade', (req, socket, head) => {
      const url = new URL(req.url ?? '/', 'http://localhost')
      if (url.pathname !== `${API_PREFIX}/events` || !isAuthorized(req, url, this.opts.token)) {
        socket.end('HTTP/1.1 401 Unauthorized\r\nconnection: close\r\n\r\n')
        return
      }
      if (this.wss.clients.size >= MAX_EVENT_CLIENTS) {
        socket.end('HTTP/1.1 503 Service Unavailable\r\nconnection: close\r\n\r\n')
        return
      }
      this.wss.handleUpgrade(req, socket, head, (ws) => {
        void this.greet(ws)
      })
    })
  }

  /** Registers `GET /api/v1/status`-style routes; `:name` segments become params. */
  route(method: string, path: string, handler: ApiHandler): void {
    this.routes.push({ method, parts: `${API_PREFIX}${path}`.split('/').filter(Boolean), handler })
  }

  /** Sends an event to every connected WebSocket client. Slow clients are dropped, not buffered forever. */
  broadcast(event: ApiEvent): void {
    const text = JSON.stringify(event, (_k, v) => (typeof v === 'bigint' ? v.toString() : v))
    for (const ws of this.wss.clients) {
      if (ws.readyState !== WebSocket.OPEN) continue
      if (ws.bufferedAmount > MAX_EVENT_CLIENT_BUFFER_BYTES) {
        ws.terminate()
        continue
      }
      ws.send(text)
    }
  }

  async start(): Promise<void> {
    const { host, port } = this.opts
    await new Promise<void>((resolve, reject) => {
      const onError = (err: NodeJS.ErrnoException): void => {
        if (err.code === 'EADDRINUSE') {
          reject(
            new PortInUseError(
              `API port ${port} on ${host} is already in use by another program; stop it or pass --api-port <free port>`
            )
          )
        } else {
          reject(err)
        }
      }
      this.server.once('error', onError)
      this.server.listen(port, host, () => {
        this.server.off('error', onError)
        resolve()
      })
    })
  }

  async stop(): Promise<void> {
    for (const ws of this.wss.clients) ws.close(1001, 'node stopping')
    this.wss.close()
    this.server.closeAllConnections()
    await new Promise<void>((resolve) => this.server.close(() => resolve()))
  }

  /** The bound address (port 0 in config picks a free one). */
  address(): { host: string; port: number } {
    const a = this.server.address() as AddressInfo
    return { host: a.address, port: a.port }
  }

  /** The URL a person opens: the web UI with the token in the fragment (never sent to servers or logs). */
  uiUrl(): string {
    const { host, port } = this.address()
    const h = host.includes(':') ? `[${host}]` : host
    return `http://${h}:${port}/#token=${this.opts.token}`
  }

  private async greet(ws: WebSocket): Promise<void> {
    ws.on('error', () => ws.terminate())
    for (const event of (await this.opts.greeting?.()) ?? []) {
      if (ws.readyState === WebSocket.OPEN) ws.send(JSON.stringify(event))
    }
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://localhost')
    const method = req.method ?? 'GET'
    if (!url.pathname.startsWith(`${API_PREFIX}/`) && url.pathname !== '/metrics') {
      if (method === 'GET' && this.opts.webuiDir !== undefined) {
        if (await serveStatic(this.opts.webuiDir, url.pathname, res)) return
      }
      sendJson(res, 404, {
        error: { code: 'ERR_NOT_FOUND', message: 'no web UI is built here; run `npm run build` and restart' }
      })
      return
    }
    if (!isAuthorized(req, url, this.opts.token)) {
      sendError(res, new UnauthorizedError())
      return
    }
    if (url.pathname === '/metrics') {
      if (this.opts.metrics === undefined) {
        sendJson(res, 404, {
          error: { code: 'ERR_NOT_FOUND', message: 'metrics are off; start with --metrics true' }
        })
        return
      }
      const { contentType, body } = await this.opts.metrics()
      res.writeHead(200, { 'content-type': contentType })
      res.end(body)
      return
    }
    const parts = url.pathname.split('/').filter(Boolean)
    for (const route of this.routes) {
      const params = matchRoute(route, method, parts)
      if (params === undefined) continue
      try {
        const body = await route.handler(
          { method, url, params, json: async () => readJson(req), raw: req },
          res
        )
        if (body !== undefined && !res.headersSent) sendJson(res, 200, body)
      } catch (err) {
        if (!isRynusError(err))
          this.log.error('api route failed', { path: url.pathname, error: describeError(err) })
        if (!res.headersSent) sendError(res, err)
      }
      return
    }
    sendError(res, new NotFoundError(`${method} ${url.pathname}`))
  }
}
