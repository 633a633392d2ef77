// Typed client for the node's local API (`/api/v1`). The web UI talks to nothing else.

import type {
  ApiErrorBody,
  AssetInfo,
  AssetView,
  CompressMode,
  JobDetail,
  JobSummary,
  NodeStatus,
  PeerInfo,
  RenderEstimate,
  RenderSubmission,
  TrainEstimate,
  TrainSubmission,
  WalletHistory,
  WalletView,
  WorkerInfo,
  WorkerRole,
  WorkerSettings
} from './lib/types.js'

export type * from './lib/types.js'

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

const UNREACHABLE_MESSAGE =
  'Cannot reach your Rynus node. Check that `rynus-node start` (or `rynus-node devnet`) is still running, then retry.'

function errorFromResponse(status: number, statusText: string, payload: unknown): ApiError {
  if (isErrorBody(payload)) {
    const { code, message, fields } = payload.error
    return new ApiError(message, code, status, fields ?? {})
  }
  const code = status === 401 ? ERR_UNAUTHORIZED : ERR_BAD_RESPONSE
  return new ApiError(`The node answered ${status} ${statusText}.`.replace(' .', '.'), code, status)
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

  async workers(fresh = false, signal?: AbortSignal): Promise<WorkerInfo[]> {
    const body = await this.get<{ workers: WorkerInfo[] }>(fresh ? '/workers?fresh=1' : '/workers', signal)
    return body.workers
  }

  /** This node's own worker role. */
  workerRole(signal?: AbortSignal): Promise<WorkerRole> {
    return this.get<WorkerRole>('/worker', signal)
  }

  /** Applies and keeps a change of this node's worker settings; field errors as ApiError.fields. */
  async saveWorkerSettings(patch: Partial<WorkerSettings>): Promise<WorkerSettings> {
    const body = await this.request<{ settings: WorkerSettings }>('PUT', '/worker/settings', patch)
    return body.settings
  }

  wallet(signal?: AbortSignal): Promise<WalletView> {
    return this.get<WalletView>('/wallet', signal)
  }

  walletHistory(signal?: AbortSignal): Promise<WalletHistory> {
    return this.get<WalletHistory>('/wallet/history', signal)
  }

  /** Withdraws what the market owes this node (all of it without an amount) into its wallet. */
  async withdraw(amount?: string): Promise<void> {
    await this.request<unknown>('POST', '/wallet/withdraw', amount === undefined ? {} : { amount })
  }

  /** Stakes tokens from the node's wallet into the worker registry. */
  async deposit(amount: string): Promise<void> {
    await this.request<unknown>('POST', '/wallet/deposit', { amount })
  }

  async jobs(signal?: AbortSignal): Promise<JobSummary[]> {
    const body = await this.get<{ jobs: JobSummary[] }>('/jobs', signal)
    return body.jobs
  }

  job(jobId: string, signal?: AbortSignal): Promise<JobDetail> {
    return this.get<JobDetail>(`/jobs/${encodeURIComponent(jobId)}`, signal)
  }

  async cancelJob(jobId: string): Promise<void> {
    await this.request<unknown>('POST', `/jobs/${encodeURIComponent(jobId)}/cancel`)
  }

  /** Whether workers online can take the job, its most cost, and if it cannot match, why. Field errors as on submit. */
  estimateRender(submission: RenderSubmission, signal?: AbortSignal): Promise<RenderEstimate> {
    return this.request<RenderEstimate>('POST', '/jobs/render/estimate', submission, signal)
  }

  async submitRender(submission: RenderSubmission): Promise<string> {
    const body = await this.request<{ jobId: string }>('POST', '/jobs/render', submission)
    return body.jobId
  }

  /** Whether workers online can train the job, its most cost, and if not, why. Field errors as on submit. */
  estimateTrain(submission: TrainSubmission, signal?: AbortSignal): Promise<TrainEstimate> {
    return this.request<TrainEstimate>('POST', '/jobs/train/estimate', submission, signal)
  }

  async submitTrain(submission: TrainSubmission): Promise<string> {
    const body = await this.request<{ jobId: string }>('POST', '/jobs/train', submission)
    return body.jobId
  }

  /** A file of an accepted model (`model.json`, `weights.bin`, `metrics.json`) as a blob. */
  async trainFile(jobId: string, file: string): Promise<Blob> {
    const response = await this.send(
      'GET',
      `/jobs/${encodeURIComponent(jobId)}/train/${encodeURIComponent(file)}`
    )
    return response.blob()
  }

  /** One accepted frame as a blob, with the file name the node gives it. */
  async frame(
    jobId: string,
    frame: number,
    signal?: AbortSignal
  ): Promise<{ blob: Blob; fileName: string | null }> {
    const response = await this.send(
      'GET',
      `/jobs/${encodeURIComponent(jobId)}/frames/${frame}`,
      undefined,
      signal
    )
    const disposition = response.headers.get('content-disposition') ?? ''
    const fileName = /filename="?([^";]+)"?/.exec(disposition)?.[1] ?? null
    return { blob: await response.blob(), fileName }
  }

  /**
   * Streams a file to the node (`POST /assets`), which adds it to its blockstore. XMLHttpRequest rather than
   * fetch because only it reports upload progress. Aborting the signal cancels the upload (an AbortError).
   */
  uploadAsset(
    file: Blob,
    name: string,
    onProgress?: (sent: number, total: number) => void,
    signal?: AbortSignal,
    options: { compress?: CompressMode; pin?: boolean } = {}
  ): Promise<AssetInfo> {
    return new Promise<AssetInfo>((resolve, reject) => {
      const xhr = new XMLHttpRequest()
      const query = new URLSearchParams({ name })
      if (options.compress !== undefined) query.set('compress', options.compress)
      if (options.pin === true) query.set('pin', '1')
      xhr.open('POST', `${this.baseUrl}/api/v1/assets?${query}`)
      xhr.setRequestHeader('Authorization', `Bearer ${this.token}`)
      xhr.setRequestHeader('Content-Type', 'application/octet-stream')
      xhr.setRequestHeader('Accept', 'application/json')
      xhr.upload.onprogress = (event) =>
        onProgress?.(event.loaded, event.lengthComputable ? event.total : file.size)
      xhr.onload = () => {
        let payload: unknown
        try {
          payload = JSON.parse(xhr.responseText)
        } catch {
          payload = undefined
        }
        if (xhr.status >= 200 && xhr.status < 300 && payload !== undefined) resolve(payload as AssetInfo)
        else reject(errorFromResponse(xhr.status, xhr.statusText, payload))
      }
      xhr.onerror = () => reject(new ApiError(UNREACHABLE_MESSAGE, ERR_NETWORK))
      xhr.onabort = () => reject(new DOMException('The upload was cancelled.', 'AbortError'))
      if (signal?.aborted) {
        reject(new DOMException('The upload was cancelled.', 'AbortError'))
        return
      }
      signal?.addEventListener('abort', () => xhr.abort(), { once: true })
      xhr.send(file)
    })
  }

  async assets(signal?: AbortSignal): Promise<AssetView[]> {
    return (await this.get<{ assets: AssetView[] }>('/assets', signal)).assets
  }

  /** An asset's content (decompressed; a folder as a tar archive) and the file name the node gives it. */
  async assetContent(cid: string): Promise<{ blob: Blob; fileName: string | null }> {
    const response = await this.send('GET', `/assets/${encodeURIComponent(cid)}/content`)
    const disposition = response.headers.get('content-disposition') ?? ''
    const fileName = /filename="?([^";]+)"?/.exec(disposition)?.[1] ?? null
    return { blob: await response.blob(), fileName }
  }

  setAssetPinned(cid: string, pinned: boolean): Promise<AssetView> {
    return this.request<AssetView>(pinned ? 'POST' : 'DELETE', `/assets/${encodeURIComponent(cid)}/pin`)
  }

  async removeAsset(cid: string): Promise<void> {
    await this.request<unknown>('DELETE', `/assets/${encodeURIComponent(cid)}`)
  }

  /** Deletes blocks no pinned asset, job or task needs; resolves with the bytes freed. */
  async collectGarbage(): Promise<number> {
    return (await this.request<{ freedBytes: number }>('POST', '/assets/gc')).freedBytes
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
    const response = await this.send(method, path, body, signal)
    const payload: unknown = await response.json().catch(() => undefined)
    if (payload === undefined) {
      throw new ApiError('The node sent an answer that is not JSON.', ERR_BAD_RESPONSE, response.status)
    }
    return payload as T
  }

  /** Sends a request and returns the 2xx response; anything else becomes an ApiError with the node's code. */
  async send(method: string, path: string, body?: unknown, signal?: AbortSignal): Promise<Response> {
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
      throw new ApiError(UNREACHABLE_MESSAGE, ERR_NETWORK)
    }
    if (!response.ok) {
      const payload: unknown = await response.json().catch(() => undefined)
      throw errorFromResponse(response.status, response.statusText, payload)
    }
    return response
  }
}
