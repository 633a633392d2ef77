import { describeError } from '../../protocols/common/errors.js'
import type { Logger } from '../../protocols/common/logger.js'
import type { AwardDraft, JobManagerEvent, JobSpec } from '../../scheduler/index.js'
import { type AwardTerms, type RequesterSettlement, SettlementMismatchError } from '../chain/index.js'

/** How often accepted tasks are paid out together (one transaction per batch). */
export const ACCEPT_BATCH_MS = 2_000
/** A task must be delivered within this long of its award (at most the job deadline), or it can be expired and slashed. */
export const MIN_TASK_DUE_MS = 10 * 60_000
const MAX_INDEX_TRIES = 64

/**
 * Epochs an award of a training task delivered, by the requester's own record (stored
 * checkpoints); undefined for a task of another kind. `sinceMs`: when the award was added.
 */
export type DeliveredUnits = (
  jobId: string,
  taskId: string,
  worker: string,
  sinceMs: number
) => Promise<number | undefined>

/** An awarded task on chain, as the requester priced it. */
type ChainTask = AwardTerms

/**
 * The requester's side of a job on chain: escrow the budget before the first offer, add each
 * awarded task with its price (so the worker can lock collateral and get paid), pay accepted
 * tasks in batches, pay a failed training task for the epochs it delivered, challenge a
 * rejected result, and refund what was not spent. Every call
 * is idempotent on chain (ids derive from the job and task), so a retry never pays twice.
 */
export class RequesterChain {
  private readonly settlement: RequesterSettlement
  private readonly log: Logger
  private readonly delivered?: DeliveredUnits
  private readonly jobs = new Map<string, bigint>()
  private readonly tasks = new Map<string, ChainTask>()
  private readonly nextIndex = new Map<string, number>()
  private readonly failing = new Set<string>()
  private readonly lookups = new Set<Promise<void>>()
  private pending: bigint[] = []
  private timer?: NodeJS.Timeout

  constructor(components: { settlement: RequesterSettlement; logger: Logger; delivered?: DeliveredUnits }) {
    this.settlement = components.settlement
    this.log = components.logger
    this.delivered = components.delivered
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
    const addedAt = Date.now()
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
        const task = { id, pricePerUnit: award.pricePerUnit, units: award.frames.length, addedAt }
        const key = `${jobId}/${award.taskId}/${worker}`
        this.tasks.set(key, task)
        // kept on disk too: a requester restarted mid-task still pays a failed task's delivered part
        await this.settlement.rememberAward(key, task)
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
    switch (event.type) {
      case 'task-accepted':
        if (key !== undefined) this.accepted(key)
        break
      case 'task-failed':
        if (key !== undefined) void this.failed(key, event)
        break
      case 'completed':
      case 'failed':
      case 'cancelled':
        void this.finish(event.jobId)
        break
    }
  }

  /** The chain task of one award: from memory, else (after a restart) from the settlement store. */
  private async taskOf(key: string): Promise<ChainTask | undefined> {
    const known = this.tasks.get(key)
    if (known !== undefined) return known
    try {
      return await this.settlement.awardOf(key)
    } catch (err) {
      this.log.warn('cannot read an award from the settlement store', { key, error: describeError(err) })
      return undefined
    }
  }

  /**
   * Queues an accepted task for the next batch: at once when the award is in memory (so the
   * job's closing batch, right after, includes it), else once read back from the store.
   */
  private accepted(key: string): void {
    const known = this.tasks.get(key)
    if (known !== undefined) {
      this.queueAccept(known.id)
      return
    }
    const lookup = this.taskOf(key).then((task) => {
      if (task !== undefined) this.queueAccept(task.id)
    })
    this.lookups.add(lookup)
    void lookup.finally(() => this.lookups.delete(lookup))
  }

  private async failed(key: string, event: JobManagerEvent): Promise<void> {
    if (this.failing.has(key)) return
    this.failing.add(key)
    try {
      const task = await this.taskOf(key)
      if (task === undefined) return
      this.tasks.delete(key)
      await this.settleFailed(event.jobId, event.taskId!, event.worker!, task)
      await this.settlement.forgetAward(key).catch(() => undefined)
    } finally {
      this.failing.delete(key)
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

  /**
   * A failed task. When the worker delivered part of a training task (checkpoints this node
   * stored, by its own record), it is paid for those epochs and the rest returns to the job
   * (`settlePartial`); otherwise, or when the task is not in Accepted on chain any more, abandon.
   */
  private async settleFailed(jobId: string, taskId: string, worker: string, task: ChainTask): Promise<void> {
    try {
      const units = await this.delivered?.(jobId, taskId, worker, task.addedAt)
      if (units !== undefined && units > 0) {
        const paid = Math.min(units, task.units)
        if (await this.settlement.settlePartial(task.id, task.pricePerUnit * BigInt(paid))) {
          this.log.info('delivered part of a failed task paid', {
            jobId,
            taskId,
            worker,
            units: paid,
            of: task.units
          })
          return
        }
      }
    } catch (err) {
      this.log.warn('paying the delivered part of a failed task failed', { jobId, error: describeError(err) })
    }
    await this.abandon(task.id)
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
    await Promise.all(this.lookups)
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
