import { describeError } from '../../protocols/common/errors.js'
import { rank } from '../rank/rank.js'
import type { Bid } from '../rank/types.js'
import type { JobKind } from '../spec/types.js'
import { isJobFinished, type JobEvent, nextJobState } from '../state/job-state.js'
import { isTaskActive, isTaskWaiting } from '../state/task-state.js'
import { fromStoredBid } from './records.js'
import type { RunContext } from './run-context.js'
import type { JobManagerEvent, SchedulerJob, SchedulerTask } from './types.js'

export type Timer = 'window' | 'reoffer' | 'deadline'

/**
 * The plumbing of one job's run: its record and tasks in memory, timers, ranking of its bids,
 * and the journal — changed tasks and new events collected during a step, then written in one
 * batch by `flush` (synced when the step records money or results) and only then emitted.
 */
export class RunCore {
  job: SchedulerJob
  tasks: SchedulerTask[]
  protected readonly ctx: RunContext
  protected readonly kind: JobKind
  protected readonly timers = new Map<Timer, () => void>()
  protected readonly dirty = new Set<SchedulerTask>()
  protected pending: JobManagerEvent[] = []

  constructor(job: SchedulerJob, tasks: SchedulerTask[], ctx: RunContext) {
    this.job = job
    this.tasks = [...tasks].sort((a, b) => a.index - b.index)
    this.ctx = ctx
    this.kind = ctx.kinds.get(job.kind)
  }

  get id(): string {
    return this.job.id
  }

  get finished(): boolean {
    return isJobFinished(this.job.state)
  }

  /** Stops the timers (node shutdown); the job stays as stored. */
  suspend(): void {
    for (const cancel of this.timers.values()) cancel()
    this.timers.clear()
  }

  protected rankedBids(): Bid[] {
    const failed = new Set(this.job.failedWorkers)
    const declined = new Set(this.job.declinedWorkers)
    const bids = this.job.bids
      .filter((b) => !failed.has(b.worker) && !declined.has(b.worker))
      .map(fromStoredBid)
    const history = { failedForJob: failed, globalFailures: this.ctx.globalFailures }
    return rank(bids, this.ctx.options.rankPolicy, this.ctx.ports.rng, history)
  }

  /** The task, if `msg.worker` holds it and it is in progress; else why not. */
  protected taskHeldBy(msg: { taskId: string; worker: string }): SchedulerTask | string {
    if (this.finished) return `the job is ${this.job.state.name}`
    const task = this.tasks.find((t) => t.taskId === msg.taskId)
    if (task === undefined) return 'no such task in this job'
    if (task.state.worker !== msg.worker || !isTaskActive(task.state))
      return 'this task is not yours (any more); stop it'
    return task
  }

  protected cancelRemote(worker: string, taskId: string, reason: string): void {
    this.ctx.ports.market.sendCancel(worker, { jobId: this.id, taskId, reason }).catch((err: unknown) => {
      this.ctx.log.debug('cancel not delivered', {
        jobId: this.id,
        taskId,
        worker,
        error: describeError(err)
      })
    })
  }

  protected waitingTasks(): boolean {
    return this.tasks.some((task) => isTaskWaiting(task.state))
  }

  protected setJob(event: JobEvent): void {
    this.job.state = nextJobState(this.job.state, event)
  }

  /** Sets a task's state; `quiet` keeps it out of the next write (heartbeats stay in memory). */
  protected setTask(task: SchedulerTask, state: SchedulerTask['state'], quiet = false): void {
    task.state = state
    if (!quiet) this.dirty.add(task)
  }

  protected setTimer(name: Timer, delayMs: number, work: () => Promise<void>): void {
    this.clearTimer(name)
    this.timers.set(
      name,
      this.ctx.clock.schedule(delayMs, () => {
        this.timers.delete(name)
        this.ctx.enqueue(this.id, work)
      })
    )
  }

  protected clearTimer(name: Timer): void {
    this.timers.get(name)?.()
    this.timers.delete(name)
  }

  protected now(): number {
    return this.ctx.clock.now()
  }

  protected event(
    type: JobManagerEvent['type'],
    message: string,
    extra: Partial<JobManagerEvent> = {}
  ): JobManagerEvent {
    return { jobId: this.id, at: this.now(), type, message, state: this.job.state.name, ...extra }
  }

  protected log(type: JobManagerEvent['type'], message: string, extra: Partial<JobManagerEvent> = {}): void {
    this.pending.push(this.event(type, message, extra))
  }

  /** Writes the job, changed tasks and new log lines in one batch, then emits the events. */
  protected async flush(sync: boolean): Promise<void> {
    const events = this.pending
    this.pending = []
    const tasks = [...this.dirty]
    this.dirty.clear()
    this.job.updatedAt = this.now()
    await this.ctx.ports.repo.write(
      this.id,
      {
        job: this.job,
        tasks,
        events: events.map(({ jobId: _id, progress: _p, state: _s, ...entry }) => entry)
      },
      { sync }
    )
    for (const event of events) this.ctx.emit(event)
  }
}
