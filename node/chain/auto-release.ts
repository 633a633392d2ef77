import { getAddress } from 'ethers'
import { requesterOfTask } from '../../contracts/ids.js'
import { TaskState } from '../../contracts/types/JobMarket.js'
import { describeError } from '../../protocols/common/errors.js'
import type { Logger } from '../../protocols/common/logger.js'
import { silentLogger } from '../../protocols/common/logger.js'
import type { ChainClient } from './client.js'
import { DEFAULT_AUTO_RELEASE_MS, MAX_BATCH } from './constants.js'
import type { MarketEvent } from './market-events.js'
import type { SettlementStore } from './store.js'

/**
 * Pays committed tasks once their challenge window has passed, so payment never waits on the
 * requester: it watches `ResultCommitted` for tasks this node requested or works on, keeps them
 * in the store (a restart keeps watching), and every `intervalMs` sends one `settleBatch` for
 * those that are due. Anyone may release a due task; `settleBatch` skips tasks already paid.
 */
export class AutoRelease {
  private readonly client: ChainClient
  private readonly store: SettlementStore
  private readonly log: Logger
  private readonly intervalMs: number
  private timer?: NodeJS.Timeout
  private running?: Promise<bigint[]>
  private unsubscribe?: () => void
  private stopped = true

  constructor(
    deps: { client: ChainClient; store?: SettlementStore; logger?: Logger },
    opts: { intervalMs?: number } = {}
  ) {
    this.client = deps.client
    this.store = deps.store ?? deps.client.store
    this.log = (deps.logger ?? silentLogger).child('auto-release')
    this.intervalMs = opts.intervalMs ?? DEFAULT_AUTO_RELEASE_MS
  }

  /** Starts watching events and the release loop. Call before ChainClient.start() so no event is missed. */
  start(): void {
    this.stopped = false
    this.unsubscribe = this.client.on('*', (event) => this.onEvent(event))
    this.schedule()
  }

  async stop(): Promise<void> {
    this.stopped = true
    clearTimeout(this.timer)
    this.unsubscribe?.()
    await this.running?.catch(() => undefined)
  }

  /** Releases every watched task whose window has passed now; returns the tasks paid. */
  async releaseDue(): Promise<bigint[]> {
    while (this.running !== undefined) await this.running.catch(() => undefined)
    this.running = this.round().finally(() => {
      this.running = undefined
    })
    return this.running
  }

  private schedule(): void {
    if (this.stopped) return
    this.timer = setTimeout(() => {
      this.releaseDue()
        .catch((err: unknown) => this.log.warn('auto-release failed', { error: describeError(err) }))
        .finally(() => this.schedule())
    }, this.intervalMs)
  }

  private async onEvent(event: MarketEvent): Promise<void> {
    switch (event.name) {
      case 'ResultCommitted':
        if (await this.concernsMe(event.taskId)) {
          await this.store.putDue({
            taskId: event.taskId.toString(),
            challengeEnd: Number(event.challengeEnd)
          })
        }
        return
      case 'TaskReleased':
      case 'TaskRejected':
      case 'TaskChallenged':
      case 'TaskExpired':
        await this.store.deleteDue(event.taskId)
        return
      default:
    }
  }

  private async concernsMe(taskId: bigint): Promise<boolean> {
    const me = getAddress(this.client.address)
    if (requesterOfTask(taskId) === me) return true
    const task = await this.client.market.getTask(taskId)
    return getAddress(task.worker) === me
  }

  private async round(): Promise<bigint[]> {
    const watched = await this.store.dueTasks()
    if (watched.length === 0) return []
    // An idle dev chain mines no blocks, so its latest timestamp lags; the next block's time is
    // at least the wall clock. A task not yet due on chain is skipped by settleBatch, never paid early.
    const now = Math.max(await this.client.chainTime(), Math.floor(Date.now() / 1000))
    const due = watched.filter((t) => t.challengeEnd <= now).map((t) => BigInt(t.taskId))
    const released: bigint[] = []
    for (let i = 0; i < due.length; i += MAX_BATCH) {
      const batch: bigint[] = []
      for (const taskId of due.slice(i, i + MAX_BATCH)) {
        const task = await this.client.market.getTask(taskId)
        if (task.state === TaskState.Committed) batch.push(taskId)
        else await this.store.deleteDue(taskId)
      }
      if (batch.length === 0) continue
      await this.client.send(`release:${batch[0]}+${batch.length}:${now}`, () =>
        this.client.market.settleBatch.populateTransaction(batch)
      )
      for (const taskId of batch) {
        if ((await this.client.market.getTask(taskId)).state === TaskState.Committed) continue
        await this.store.deleteDue(taskId)
        released.push(taskId)
      }
    }
    if (released.length > 0)
      this.log.info('tasks released after their challenge window', { tasks: released.length })
    return released
  }
}
