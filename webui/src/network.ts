// The node's state as the pages see it: status and peers from the API, kept live by the event stream.
import { type InjectionKey, inject, reactive } from 'vue'
import { type ApiClient, ApiError, type NodeStatus, type PeerInfo } from './api.js'
import { EventStream, type NodeEvent, type StreamState } from './event-stream.js'
import type { JobEvent } from './lib/events.js'
import { withoutPeer } from './lib/peers.js'

export interface Resource<T> {
  data: T | null
  error: ApiError | null
  loading: boolean
  /** Date.now() of the last successful load. */
  loadedAt: number | null
}

export interface PeerActivity {
  id: number
  kind: 'connect' | 'disconnect'
  peerId: string
  at: string
}

export interface NetworkState {
  status: Resource<NodeStatus>
  peers: Resource<PeerInfo[]>
  live: StreamState
  /** When the event stream tries again (Date.now() scale), while it is down. */
  retryAt: number | null
  activity: PeerActivity[]
  /** The node refused the token: the app shows how to get a fresh address. */
  unauthorized: boolean
  now: number
  /** Goes up whenever everything should be fetched again (Retry pressed, event stream back after a gap). */
  refreshes: number
}

const ACTIVITY_LIMIT = 12
const PEERS_REFRESH_MS = 15_000
const REFETCH_DEBOUNCE_MS = 250

function emptyResource<T>(): Resource<T> {
  return { data: null, error: null, loading: false, loadedAt: null }
}

function toApiError(err: unknown): ApiError {
  return err instanceof ApiError ? err : new ApiError(String(err), 'ERR_UNKNOWN')
}

export class Network {
  readonly state: NetworkState
  private readonly client: ApiClient
  private readonly events: EventStream
  private timers: ReturnType<typeof setInterval>[] = []
  private refetchTimer: ReturnType<typeof setTimeout> | null = null
  private activityId = 0
  private streamOpened = false
  private readonly jobListeners = new Set<(event: JobEvent) => void>()

  constructor(client: ApiClient) {
    this.client = client
    this.state = reactive<NetworkState>({
      status: emptyResource(),
      peers: emptyResource(),
      live: 'connecting',
      retryAt: null,
      activity: [],
      unauthorized: false,
      now: Date.now(),
      refreshes: 0
    })
    this.events = new EventStream({
      url: client.eventsUrl(),
      onEvent: (event) => this.onEvent(event),
      onState: (live, retryInMs) => {
        this.state.live = live
        this.state.retryAt = retryInMs === undefined ? null : Date.now() + retryInMs
        if (live !== 'open') return
        // Events may have been missed while the stream was down, or the node is back after an outage: catch up.
        const failed = this.state.status.error !== null || this.state.peers.error !== null
        if (this.streamOpened || failed) {
          this.scheduleRefetch()
          this.state.refreshes += 1
        }
        this.streamOpened = true
      }
    })
  }

  /** The API client, for pages that load their own data. */
  get api(): ApiClient {
    return this.client
  }

  /** Calls `listener` for every render job event from now on; returns the function that stops it. */
  onJobEvent(listener: (event: JobEvent) => void): () => void {
    this.jobListeners.add(listener)
    return () => this.jobListeners.delete(listener)
  }

  /** Records a refused token from any page's request, so the app shows how to get a fresh address. */
  noteError(error: ApiError): void {
    if (error.unauthorized) this.state.unauthorized = true
  }

  start(): void {
    void this.refresh()
    this.events.start()
    this.timers.push(setInterval(() => (this.state.now = Date.now()), 1000))
    this.timers.push(
      setInterval(() => {
        if (document.visibilityState === 'visible' && this.state.peers.error === null) void this.loadPeers()
      }, PEERS_REFRESH_MS)
    )
  }

  stop(): void {
    this.events.stop()
    for (const timer of this.timers) clearInterval(timer)
    this.timers = []
    if (this.refetchTimer !== null) clearTimeout(this.refetchTimer)
  }

  /** Reloads everything; the Retry buttons call this. */
  async refresh(): Promise<void> {
    this.state.refreshes += 1
    this.events.reconnectNow()
    await Promise.all([this.loadStatus(), this.loadPeers()])
  }

  /** Seconds the node has been up, ticking between API updates. */
  uptimeSeconds(): number | null {
    const { data, loadedAt } = this.state.status
    if (data === null || loadedAt === null) return null
    return data.uptimeSeconds + Math.max(0, Math.floor((this.state.now - loadedAt) / 1000))
  }

  async loadStatus(): Promise<void> {
    await this.load(this.state.status, () => this.client.status())
  }

  async loadPeers(): Promise<void> {
    await this.load(this.state.peers, () => this.client.peers())
  }

  private async load<T>(resource: Resource<T>, fetcher: () => Promise<T>): Promise<void> {
    resource.loading = true
    try {
      resource.data = await fetcher()
      resource.error = null
      resource.loadedAt = Date.now()
    } catch (err) {
      const error = toApiError(err)
      if (error.unauthorized) this.state.unauthorized = true
      resource.error = error
    } finally {
      resource.loading = false
    }
  }

  private onEvent(event: NodeEvent): void {
    if (event.type === 'job') {
      for (const listener of this.jobListeners) listener(event.event)
      return
    }
    if (event.type === 'status') {
      this.state.status.data = event.status
      this.state.status.error = null
      this.state.status.loadedAt = Date.now()
      return
    }
    const kind = event.type === 'peer:connect' ? 'connect' : 'disconnect'
    this.activityId += 1
    this.state.activity.unshift({ id: this.activityId, kind, peerId: event.peerId, at: event.at })
    this.state.activity.splice(ACTIVITY_LIMIT)
    if (kind === 'disconnect' && this.state.peers.data !== null) {
      this.state.peers.data = withoutPeer(this.state.peers.data, event.peerId)
    }
    this.scheduleRefetch()
  }

  private scheduleRefetch(): void {
    if (this.refetchTimer !== null) clearTimeout(this.refetchTimer)
    this.refetchTimer = setTimeout(() => {
      this.refetchTimer = null
      void Promise.all([this.loadPeers(), this.loadStatus()])
    }, REFETCH_DEBOUNCE_MS)
  }
}

export const NETWORK_KEY: InjectionKey<Network> = Symbol('network')

export function useNetwork(): Network {
  const network = inject(NETWORK_KEY)
  if (network === undefined) throw new Error('useNetwork() needs the Network provided by main.ts')
  return network
}
