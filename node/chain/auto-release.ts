import { getAddress } from 'ethers'
import { jobOfTask, requesterOfJob, requesterOfTask } from '../../contracts/ids.js'
import { TaskState } from '../../contracts/types/JobMarket.js'
import { describeError } from '../../protocols/common/errors.js'
import type { Logger } from '../../protocols/common/logger.js'
import { silentLogger } from '../../protocols/common/logger.js'
import type { ChainClient } from './client.js'
import { DEFAULT_AUTO_RELEASE_MS, MAX_BATCH } from './constants.js'
import type { MarketEvent } from './market-events.js'
import { RequesterSettlement } from './requester-settlement.js'
import type { SettlementStore, Timer } from './store.js'

/** What one pass did. */
export interface DueOutcome {
  /** Committed tasks paid after their challenge window. */
  released: bigint[]
  /** This requester's tasks ended because their worker missed the deadline (collateral slashed). */
  expired: bigint[]
  /** This requester's jobs whose unspent budget came back after the job's deadline. */
  refunded: bigint[]
}

/**
 * Settlement that happens by itself when it comes due, so payment never waits on the
 * requester and a requester's budget never waits on a vanished worker:
 * - release: a committed task this node requested or works on is paid (`settleBatch`, MAX_BATCH
 *   per transaction) once its challenge window has passed — anyone may do this;
 * - expire: a task this node requested whose worker did not commit by its deadline is expired
 *   (`expireTask`: price back to the job, collateral slashed to the requester);
 * - refund: after a job's deadline its unspent budget moves to the requester's balance.
 * Timers come from market events and live in the store, so a restart keeps them.
 */
export class AutoRelease {
  private readonly client: ChainClient
  private readonly store: SettlementStore
  private readonly requester: RequesterSettlement
  private readonly log: Logger
  private readonly intervalMs: number
  private timer?: NodeJS.Timeout
  private running?: Promise<DueOutcome>
  private unsubscribe?: () => void
  private stopped = true

  constructor(
    deps: { client: ChainClient; store?: SettlementStore; logger?: Logger },
    opts: { intervalMs?: number } = {}
  ) {
    this.client = deps.client
    this.store = deps.store ?? deps.client.store
    this.log = (deps.logger ?? silentLogger).child('auto-release')
    this.requester = new RequesterSettlement({ client: deps.client, store: this.store, logger: this.log })
    this.intervalMs = opts.intervalMs ?? DEFAULT_AUTO_RELEASE_MS
  }

  /** Starts watching events and the loop. Call before ChainClient.start() so no event is missed. */
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

  /** Does everything that is due now. */
  async runDue(): Promise<DueOutcome> {
    while (this.running !== undefined) await this.running.catch(() => undefined)
    this.running = this.round().finally(() => {
      this.running = undefined
    })
    return this.running
  }

  private schedule(): void {
    if (this.stopped) return
    this.timer = setTimeout(() => {
      this.runDue()
        .catch((err: unknown) => this.log.warn('auto-settlement failed', { error: describeError(err) }))
        .finally(() => this.schedule())
    }, this.intervalMs)
  }

  private isMe(address: string): boolean {
    return getAddress(address) === getAddress(this.client.address)
  }

  private async onEvent(event: MarketEvent): Promise<void> {
    const s = this.store
    switch (event.name) {
      case 'JobCreated':
        if (this.isMe(event.requester))
          await s.putTimer({ kind: 'refund', id: `${event.jobId}`, at: Number(event.deadline) })
        return
      case 'TaskAdded':
        if (this.isMe(requesterOfTask(event.taskId)))
          await s.putTimer({ kind: 'expire', id: `${event.taskId}`, at: Number(event.dueAt) })
        return
      case 'ResultCommitted':
        await s.deleteTimer('expire', event.taskId)
        if (
          this.isMe(requesterOfTask(event.taskId)) ||
          this.isMe((await this.client.market.getTask(event.taskId)).worker)
        ) {
          await s.putTimer({ kind: 'release', id: `${event.taskId}`, at: Number(event.challengeEnd) })
        }
        return
      case 'TaskCancelled':
        await s.deleteTimer('expire', event.taskId)
        return
      case 'TaskChallenged':
      case 'TaskReleased':
        await s.deleteTimer('release', event.taskId)
        return
      case 'TaskExpired':
      case 'TaskRejected':
      case 'TaskCut': {
        await s.deleteTimer('expire', event.taskId)
        await s.deleteTimer('release', event.taskId)
        // its price (or the unpaid part of it) went back to the job: refund it at the job's deadline
        const jobId = jobOfTask(event.taskId)
        if (this.isMe(requesterOfJob(jobId))) {
          const job = await this.client.market.getJob(jobId)
          await s.putTimer({ kind: 'refund', id: `${jobId}`, at: Number(job.deadline) })
        }
        return
      }
      default:
    }
  }

  private async round(): Promise<DueOutcome> {
    const outcome: DueOutcome = { released: [], expired: [], refunded: [] }
    if (this.store.scope === undefined) return outcome // the client has not connected yet
    const timers = await this.store.timers()
    if (timers.length === 0) return outcome
    const now = await this.client.estimatedTime()
    const due = (kind: Timer['kind']): bigint[] =>
      timers
        .filter((t) => t.kind === kind && (kind === 'release' ? t.at <= now : t.at < now))
        .map((t) => BigInt(t.id))
    outcome.released = await this.release(due('release'), now)
    for (const taskId of due('expire')) {
      const [expired] = await this.requester.expireOverdue([taskId])
      if (expired !== undefined) outcome.expired.push(expired)
      const state = (await this.client.market.getTask(taskId)).state
      if (state !== TaskState.Assigned && state !== TaskState.Accepted)
        await this.store.deleteTimer('expire', taskId)
    }
    for (const jobId of due('refund')) {
      if ((await this.requester.refundUnspent(jobId)) > 0n) outcome.refunded.push(jobId)
      await this.store.deleteTimer('refund', jobId)
    }
    const done = outcome.released.length + outcome.expired.length + outcome.refunded.length
    if (done > 0) {
      this.log.info('settled what came due', {
        released: outcome.released.length,
        expired: outcome.expired.length,
        refunded: outcome.refunded.length
      })
    }
    return outcome
  }

  private async release(due: bigint[], now: number): Promise<bigint[]> {
    const released: bigint[] = []
    for (let i = 0; i < due.length; i += MAX_BATCH) {
      const batch: bigint[] = []
      for (const taskId of due.slice(i, i + MAX_BATCH)) {
        const task = await this.client.market.getTask(taskId)
        if (task.state === TaskState.Committed) batch.push(taskId)
        else await this.store.deleteTimer('release', taskId)
      }
      if (batch.length === 0) continue
      await this.client.send(`release:${batch[0]}+${batch.length}:${now}`, () =>
        this.client.market.settleBatch.populateTransaction(batch)
      )
      for (const taskId of batch) {
        if ((await this.client.market.getTask(taskId)).state === TaskState.Committed) continue
        await this.store.deleteTimer('release', taskId)
        released.push(taskId)
      }
    }
    return released
  }
}
