// Typed client for the node's local API (`/api/v1`). The web UI talks to nothing else.

import type { ApiErrorBody, NodeStatus, PeerInfo } from './lib/types.js'

export type {
  ApiErrorBody,
  NodeStatus,
  PeerInfo,
  Reachability,
  ReachabilityStatus,
  Role
} from './lib/types.js'

/** Codes produced by the client itself, beside the `ERR_*` codes the node sends. */
export const ERR_NETWORK = 'ERR_NETWORK'
export const ERR_BAD_RESPONSE = 'ERR_BAD_RESPONSE'
export const ERR_UNAUTHORIZED = 'ERR_UNAUTHORIZED'

export class ApiError extends Error {
  readonly code: string
  readonly status: number
  readonly fields: Record<string, string>

  constructor(message: string, code: string, status = 0, fields: Record<string, string> = {}) {
    super(message)
    this.name = 'ApiError'
    this.code = code
    this.status = status
    this.fields = fields
  }

  get unauthorized(): boolean {
    return this.code === ERR_UNAUTHORIZED || this.status === 401
  }

  get unreachable(): boolean {
    return this.code === ERR_NETWORK
  }
}

export interface ApiClientOptions {
  token: string
  /** Origin of the node, e.g. `http://127.0.0.1:8420`; defaults to the page's own origin. */
  baseUrl?: string
  fetch?: typeof fetch
}

function isErrorBody(value: unknown): value is ApiErrorBody {
  if (typeof value !== 'object' || value === null || !('error' in value)) return false
  const error = (value as { error: unknown }).error
  return typeof error === 'object' && error !== null && typeof (error as { code?: unknown }).code === 'string'
}

export class ApiClient {
  readonly baseUrl: string
  private readonly token: string
  private readonly fetchImpl: typeof fetch

  constructor(options: ApiClientOptions) {
    this.token = options.token
    this.baseUrl = (options.baseUrl ?? window.location.origin).replace(/\/$/, '')
    this.fetchImpl = options.fetch ?? window.fetch.bind(window)
  }

  status(signal?: AbortSignal): Promise<NodeStatus> {
    return this.get<NodeStatus>('/status', signal)
  }

  async peers(signal?: AbortSignal): Promise<PeerInfo[]> {
    const body = await this.get<{ peers: PeerInfo[] }>('/peers', signal)
    return body.peers
  }

  /** URL of the event stream; the token travels as a query parameter because browsers cannot set headers on WebSockets. */
  eventsUrl(): string {
    const url = new URL(`${this.baseUrl}/api/v1/events`)
    url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:'
    url.searchParams.set('token', this.token)
    return url.toString()
  }

  async get<T>(path: string, signal?: AbortSignal): Promise<T> {
    return this.request<T>('GET', path, undefined, signal)
  }

  async request<T>(method: string, path: string, body?: unknown, signal?: AbortSignal): Promise<T> {
    const headers: Record<string, string> = {
      Authorization: `Bearer ${this.token}`,
      Accept: 'application/json'
    }
    if (body !== undefined) headers['Content-Type'] = 'application/json'
    let response: Response
    try {
      response = await this.fetchImpl(`${this.baseUrl}/api/v1${path}`, {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
        signal
      })
    } catch (err) {
      if (signal?.aborted) throw err
      throw new ApiError(
        'Cannot reach your Rynus node. Check that `rynus-node start` (or `rynus-node devnet`) is still running, then retry.',
        ERR_NETWORK
      )
    }
    const payload: unknown = await response.json().catch(() => undefined)
    if (!response.ok) {
      if (isErrorBody(payload)) {
        const { code, message, fields } = payload.error
        throw new ApiError(message, code, response.status, fields ?? {})
      }
      const code = response.status === 401 ? ERR_UNAUTHORIZED : ERR_BAD_RESPONSE
      throw new ApiError(
        `The node answered ${response.status} ${response.statusText}.`,
        code,
        response.status
      )
    }
    if (payload === undefined) {
      throw new ApiError('The node sent an answer that is not JSON.', ERR_BAD_RESPONSE, response.status)
    }
    return payload as T
  }
}
