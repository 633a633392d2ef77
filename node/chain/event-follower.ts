import type { JsonRpcProvider } from 'ethers'
import { describeError } from '../../protocols/common/errors.js'
import type { Logger } from '../../protocols/common/logger.js'
import { MAX_LOG_RANGE, REORG_DEPTH } from './constants.js'
import {
  decodeMarketEvent,
  MARKET_EVENT_TOPICS,
  type MarketEvent,
  type MarketEventName,
  type MarketEventOf
} from './market-events.js'
import type { SettlementStore } from './store.js'

export type MarketListener<E extends MarketEvent = MarketEvent> = (event: E) => unknown

export interface EventFollowerOptions {
  market: string
  /** First block to read when there is no cursor yet (the market's deployment block). */
  fromBlock: number
  /** Only blocks this deep are read: 1 = the head. */
  confirmations: number
  pollMs: number
}

/**
 * Follows the market's events from a block cursor kept in level. Each round re-reads the last
 * REORG_DEPTH blocks below the cursor (a shallow reorg moves events into other blocks) and skips
 * events already delivered (by tx hash + log index), so listeners see each event once in the
 * normal case and at least once across crashes: the cursor only moves after the listeners of
 * every event up to it have returned. Listeners must therefore be idempotent.
 */
export class EventFollower {
  private readonly opts: EventFollowerOptions
  private readonly provider: JsonRpcProvider
  private readonly store: SettlementStore
  private readonly log: Logger
  private readonly listeners = new Map<MarketEventName | '*', Set<MarketListener>>()
  private timer?: NodeJS.Timeout
  private running?: Promise<void>
  private stopped = true

  constructor(
    opts: EventFollowerOptions,
    deps: { provider: JsonRpcProvider; store: SettlementStore; logger: Logger }
  ) {
    this.opts = opts
    this.provider = deps.provider
    this.store = deps.store
    this.log = deps.logger
  }

  /** Calls `listener` for every event `name` ('*': all); returns a function that removes it. */
  on<N extends MarketEventName | '*'>(
    name: N,
    listener: MarketListener<N extends MarketEventName ? MarketEventOf<N> : MarketEvent>
  ): () => void {
    let set = this.listeners.get(name)
    if (set === undefined) {
      set = new Set()
      this.listeners.set(name, set)
    }
    const fn = listener as MarketListener
    set.add(fn)
    return () => {
      set.delete(fn)
    }
  }

  start(): void {
    this.stopped = false
    this.schedule(0)
  }

  async stop(): Promise<void> {
    this.stopped = true
    clearTimeout(this.timer)
    await this.running
  }

  /** Reads and delivers everything up to the confirmed head now; resolves when done. */
  async catchUp(): Promise<void> {
    while (this.running !== undefined) await this.running
    this.running = this.round().finally(() => {
      this.running = undefined
    })
    await this.running
  }

  private schedule(ms: number): void {
    if (this.stopped) return
    this.timer = setTimeout(() => {
      this.catchUp()
        .catch((err: unknown) => this.log.warn('reading market events failed', { error: describeError(err) }))
        .finally(() => this.schedule(this.opts.pollMs))
    }, ms)
  }

  private async round(): Promise<void> {
    const head = (await this.provider.getBlockNumber()) - (this.opts.confirmations - 1)
    const cursor = await this.store.cursor()
    let from = Math.max(
      this.opts.fromBlock,
      cursor === undefined ? this.opts.fromBlock : cursor - REORG_DEPTH + 1
    )
    while (from <= head && !this.stopped) {
      const to = Math.min(head, from + MAX_LOG_RANGE - 1)
      const logs = await this.provider.getLogs({
        address: this.opts.market,
        fromBlock: from,
        toBlock: to,
        topics: [MARKET_EVENT_TOPICS]
      })
      logs.sort((a, b) => a.blockNumber - b.blockNumber || a.index - b.index)
      for (const log of logs) {
        if (log.removed) continue
        const key = `${log.transactionHash}:${log.index}`
        if (await this.store.seen(key)) continue
        const event = decodeMarketEvent(log)
        if (event !== undefined) await this.deliver(event)
        await this.store.markSeen(key, log.blockNumber)
      }
      if (cursor === undefined || to > cursor) await this.store.setCursor(to)
      from = to + 1
    }
    await this.store.pruneSeen(head - 2 * REORG_DEPTH)
  }

  private async deliver(event: MarketEvent): Promise<void> {
    for (const name of [event.name, '*'] as const) {
      for (const listener of this.listeners.get(name) ?? []) {
        try {
          await listener(event)
        } catch (err) {
          this.log.warn('a market event listener failed', { event: event.name, error: describeError(err) })
        }
      }
    }
  }
}
