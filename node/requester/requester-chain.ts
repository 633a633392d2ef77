import { describeError } from '../../protocols/common/errors.js'
import type { Logger } from '../../protocols/common/logger.js'
import type { AwardDraft, JobManagerEvent, JobSpec } from '../../scheduler/index.js'
import { type RequesterSettlement, SettlementMismatchError } from '../chain/index.js'

/** How often accepted tasks are paid out together (one transaction per batch). */
export const ACCEPT_BATCH_MS = 2_000
/** A task must be delivered within this long of its award (at most the job deadline), or it can be expired and slashed. */
export const MIN_TASK_DUE_MS = 10 * 60_000
const MAX_INDEX_TRIES = 64

/**
 * The requester's side of a job on chain: escrow the budget before the first offer, add each
 * awarded task with its price (so the worker can lock collateral and get paid), pay accepted
 * tasks in batches, challenge a rejected result, and refund what was not spent. Every call
 * is idempotent on chain (ids derive from the job and task), so a retry never pays twice.
 */
export class RequesterChain {
  private readonly settlement: RequesterSettlement
  private readonly log: Logger
  private readonly jobs = new Map<string, bigint>()
  private readonly tasks = new Map<string, bigint>()
  private readonly nextIndex = new Map<string, number>()
  private pending: bigint[] = []
  private timer?: NodeJS.Timeout

  constructor(components: { settlement: RequesterSettlement; logger: Logger }) {
    this.settlement = components.settlement
    this.log = components.logger
  }

  /** The job's escrow on chain, created on first use. */
  async chainJobFor(jobId: string, spec: JobSpec): Promise<bigint> {
    const known = this.jobs.get(jobId)
    if (known !== undefined) return known
    const id = await this.settlement.escrowJob(jobId, BigInt(spec.budget), spec.deadline)
    this.jobs.set(jobId, id)
    this.log.info('budget escrowed', { jobId, chainJobId: id.toString(), budget: spec.budget })
    return id
  }

  /** Adds an awarded task on chain before the award is sent; returns its chain task id. */
  async addTask(jobId: string, spec: JobSpec, worker: string, award: AwardDraft): Promise<bigint> {
    const chainJobId = await this.chainJobFor(jobId, spec)
    const taskNumber = Number(/(\d+)$/.exec(award.taskId)?.[1] ?? 0)
    let index = this.nextIndex.get(award.taskId + jobId) ?? taskNumber * 1000
    const dueAt = Math.min(
      spec.deadline,
      Date.now() + Math.max(MIN_TASK_DUE_MS, award.frames.length * 60_000)
    )
    for (let tries = 0; ; tries++) {
      try {
        const id = await this.settlement.addTask(
          chainJobId,
          index,
          worker,
          award.pricePerUnit,
          award.frames.length,
          dueAt
        )
        this.nextIndex.set(award.taskId + jobId, index + 1)
        this.tasks.set(`${jobId}/${award.taskId}/${worker}`, id)
        return id
      } catch (err) {
        // that index already holds an earlier award of this task (another worker): take the next
        if (tries < MAX_INDEX_TRIES && err instanceof SettlementMismatchError) {
          index++
          continue
        }
        throw err
      }
    }
  }

  /** Reacts to the scheduler's events: pay, challenge or cancel tasks; refund at the end. */
  onJobEvent(event: JobManagerEvent): void {
    // keyed by worker too: events arrive after the step, when the task may already be re-awarded
    const key =
      event.taskId !== undefined && event.worker !== undefined
        ? `${event.jobId}/${event.taskId}/${event.worker}`
        : undefined
    const taskId = key !== undefined ? this.tasks.get(key) : undefined
    switch (event.type) {
      case 'task-accepted':
        if (taskId !== undefined) this.queueAccept(taskId)
        break
      case 'task-failed':
        if (taskId !== undefined) {
          this.tasks.delete(key!)
          void this.abandon(taskId)
        }
        break
      case 'completed':
      case 'failed':
      case 'cancelled':
        void this.finish(event.jobId)
        break
    }
  }

  async stop(): Promise<void> {
    clearTimeout(this.timer)
    await this.flush()
  }

  private queueAccept(taskId: bigint): void {
    this.pending.push(taskId)
    if (this.timer === undefined) {
      this.timer = setTimeout(() => void this.flush(), ACCEPT_BATCH_MS)
      this.timer.unref()
    }
  }

  private async flush(): Promise<void> {
    this.timer = undefined
    const ids = this.pending.splice(0)
    if (ids.length === 0) return
    try {
      const { accepted } = await this.settlement.acceptResults(ids)
      this.log.info('tasks paid', { tasks: accepted.length })
    } catch (err) {
      // the challenge window passes and anyone can release them; payment does not hang on this
      this.log.warn('accepting results on chain failed; they will be released after the window', {
        error: describeError(err)
      })
    }
  }

  /** A rejected or abandoned task: challenge a committed result, cancel one never accepted. */
  private async abandon(taskId: bigint): Promise<void> {
    try {
      if (await this.settlement.challengeResult(taskId)) return
      await this.settlement.cancelTask(taskId)
    } catch (err) {
      this.log.debug('task left to expire on chain', { taskId: taskId.toString(), error: describeError(err) })
    }
  }

  private async finish(jobId: string): Promise<void> {
    await this.flush()
    const chainJobId = this.jobs.get(jobId)
    if (chainJobId === undefined) return
    try {
      const refunded = await this.settlement.refundUnspent(chainJobId)
      this.log.info('unspent budget refunded', { jobId, amount: refunded.toString() })
    } catch (err) {
      this.log.warn('refund failed; it is retried after the deadline', { jobId, error: describeError(err) })
    }
  }
}
