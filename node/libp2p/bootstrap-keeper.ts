import type { PeerId } from '@libp2p/interface'
import { peerIdFromString } from '@libp2p/peer-id'
import { type Multiaddr, multiaddr } from '@multiformats/multiaddr'
import { describeError } from '../../protocols/common/errors.js'
import type { Logger } from '../../protocols/common/logger.js'
import type { RynusLibp2p } from './types.js'

export const BOOTSTRAP_RETRY_MIN_MS = 1_000
export const BOOTSTRAP_RETRY_MAX_MS = 60_000

/**
 * libp2p's bootstrap module dials its list once. A super-peer that was not up yet, or that
 * restarted, would leave us alone for good; this keeps dialing the list (with backoff)
 * whenever we are connected to none of them.
 */
export class BootstrapKeeper {
  private readonly peers: Array<{ id: PeerId; addr: Multiaddr }>
  private readonly libp2p: RynusLibp2p
  private readonly log: Logger
  private timer?: NodeJS.Timeout
  private delay = BOOTSTRAP_RETRY_MIN_MS
  private running = false

  constructor(list: string[], components: { libp2p: RynusLibp2p; logger: Logger }) {
    this.peers = list.map((a) => {
      const addr = multiaddr(a)
      return { addr, id: peerIdFromString(addr.getComponents().find((c) => c.name === 'p2p')?.value ?? '') }
    })
    this.libp2p = components.libp2p
    this.log = components.logger
  }

  start(): void {
    if (this.peers.length === 0) return
    this.running = true
    this.schedule(0)
  }

  stop(): void {
    this.running = false
    clearTimeout(this.timer)
  }

  private connectedToAny(): boolean {
    return this.peers.some((p) => this.libp2p.getConnections(p.id).length > 0)
  }

  private schedule(ms: number): void {
    if (!this.running) return
    this.timer = setTimeout(() => void this.tick(), ms)
    this.timer.unref()
  }

  private async tick(): Promise<void> {
    if (!this.running) return
    if (this.connectedToAny()) {
      this.delay = BOOTSTRAP_RETRY_MIN_MS
      this.schedule(BOOTSTRAP_RETRY_MAX_MS / 4)
      return
    }
    const results = await Promise.allSettled(
      this.peers.map((p) => this.libp2p.dial(p.addr, { signal: AbortSignal.timeout(10_000) }))
    )
    const failed = results.filter((r) => r.status === 'rejected') as PromiseRejectedResult[]
    if (failed.length === results.length) {
      this.log.debug('no bootstrap peer reachable yet, retrying', {
        inMs: this.delay,
        error: describeError(failed[0]?.reason)
      })
      this.schedule(this.delay)
      this.delay = Math.min(this.delay * 2, BOOTSTRAP_RETRY_MAX_MS)
    } else {
      this.delay = BOOTSTRAP_RETRY_MIN_MS
      this.schedule(BOOTSTRAP_RETRY_MAX_MS / 4)
    }
  }
}
