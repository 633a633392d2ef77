// Live events from the node over its WebSocket, reconnecting with exponential backoff.

import type { NodeEvent } from './lib/events.js'
import { backoffDelay, parseEvent } from './lib/events.js'

export type { NodeEvent } from './lib/events.js'

export type StreamState = 'connecting' | 'open' | 'reconnecting' | 'stopped'

export interface EventStreamOptions {
  url: string
  onEvent: (event: NodeEvent) => void
  onState?: (state: StreamState, retryInMs?: number) => void
  /** First retry delay; doubled after each failed attempt up to maxDelayMs. */
  minDelayMs?: number
  maxDelayMs?: number
  createSocket?: (url: string) => WebSocket
}

export class EventStream {
  private readonly options: Required<Omit<EventStreamOptions, 'onState'>> &
    Pick<EventStreamOptions, 'onState'>
  private socket: WebSocket | null = null
  private timer: ReturnType<typeof setTimeout> | null = null
  private attempt = 0
  private running = false

  constructor(options: EventStreamOptions) {
    this.options = {
      minDelayMs: 1000,
      maxDelayMs: 30_000,
      createSocket: (url) => new WebSocket(url),
      ...options
    }
  }

  start(): void {
    if (this.running) return
    this.running = true
    this.attempt = 0
    this.connect()
  }

  stop(): void {
    this.running = false
    if (this.timer !== null) clearTimeout(this.timer)
    this.timer = null
    const socket = this.socket
    this.socket = null
    if (socket !== null) {
      socket.onclose = null
      socket.onerror = null
      socket.onmessage = null
      socket.onopen = null
      socket.close()
    }
    this.options.onState?.('stopped')
  }

  /** Skips the remaining backoff and tries again now (e.g. after the user presses Retry). */
  reconnectNow(): void {
    if (!this.running || this.socket !== null) return
    if (this.timer !== null) clearTimeout(this.timer)
    this.timer = null
    this.attempt = 0
    this.connect()
  }

  private connect(): void {
    this.options.onState?.(this.attempt === 0 ? 'connecting' : 'reconnecting')
    let socket: WebSocket
    try {
      socket = this.options.createSocket(this.options.url)
    } catch {
      this.scheduleRetry()
      return
    }
    this.socket = socket
    socket.onopen = () => {
      this.attempt = 0
      this.options.onState?.('open')
    }
    socket.onmessage = (message) => {
      const event = parseEvent(message.data)
      if (event !== null) this.options.onEvent(event)
    }
    socket.onclose = () => {
      this.socket = null
      if (this.running) this.scheduleRetry()
    }
  }

  private scheduleRetry(): void {
    const delay = backoffDelay(this.attempt, this.options.minDelayMs, this.options.maxDelayMs)
    this.attempt += 1
    this.options.onState?.('reconnecting', delay)
    this.timer = setTimeout(() => {
      this.timer = null
      if (this.running) this.connect()
    }, delay)
  }
}
