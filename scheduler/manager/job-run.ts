import { describeError } from '../../protocols/common/errors.js'
import { formatTokens } from '../pricing.js'
import type { JobSpec } from '../spec/types.js'
import {
  isTaskActive,
  isTaskWaiting,
  nextTaskState,
  overdueTasks,
  type TaskEvent
} from '../state/task-state.js'
import { newJobRecord, outputsProblem, toStoredBid } from './records.js'
import type { RunContext } from './run-context.js'
import { RunDispatch } from './run-dispatch.js'
import type {
  Ack,
  HeartbeatMessage,
  IncomingBid,
  ProgressMessage,
  ResultMessage,
  SchedulerTask,
  Verdict
} from './types.js'

type Failure = Extract<TaskEvent, { type: 'fail' | 'reject' | 'heartbeat-timeout' }>

const OK: Ack = { accepted: true, reason: '' }
/** Most bids kept per job; later bidders are told so. */
export const MAX_BIDS_PER_JOB = 256

const refuse = (reason: string): Ack => ({ accepted: false, reason })

/**
 * One unfinished job on the requester, from offer to completion. The manager calls every method
 * inside the job's serial queue; each step ends by writing what changed in one batch and then
 * emitting its events. Workers' messages count only from the worker holding the task.
 */
export class JobRun extends RunDispatch {
  static create(id: string, spec: JobSpec, ctx: RunContext): JobRun {
    return new JobRun(newJobRecord(id, spec, ctx.clock.now()), [], ctx)
  }

  /** A new job: log it, arm the deadline, offer it. */
  async begin(): Promise<void> {
    this.log('submitted', `submitted: ${this.kind.units(this.job.spec)} ${this.kind.unitName}s`)
    this.armDeadline()
    await this.offer()
  }

  /** After a restart: give workers a fresh heartbeat allowance and carry on where the job was. */
  async resume(): Promise<void> {
    const now = this.now()
    if (this.job.spec.deadline <= now)
      return this.finish('fail', 'the deadline passed while this node was down')
    const active = this.tasks.filter((task) => isTaskActive(task.state))
    for (const task of active) this.setTask(task, { ...task.state, lastSeenAt: now })
    this.log('resumed', `resumed after a restart with ${active.length} tasks in progress`)
    this.armDeadline()
    if (this.job.state.name === 'running') {
      delete this.job.bidWindowEndsAt
      await this.dispatch()
      await this.keepGoing()
    } else await this.offer()
    await this.flush(true)
  }

  async onBid(bid: IncomingBid): Promise<Ack> {
    if (this.finished) return refuse(`the job is ${this.job.state.name}`)
    if (bid.pricePerUnit <= 0n || bid.pricePerUnit > BigInt(this.job.spec.maxPricePerUnit)) {
      return refuse(
        `the price must be above 0 and at most ${this.job.spec.maxPricePerUnit} per ${this.kind.unitName}`
      )
    }
    if (this.job.failedWorkers.includes(bid.worker)) return refuse('this worker failed a task of this job')
    if (bid.freeSlots < 1) return refuse('a bid needs a free slot')
    const others = this.job.bids.filter((b) => b.worker !== bid.worker)
    if (others.length >= MAX_BIDS_PER_JOB) return refuse('the job has enough bids')
    const { jobId: _jobId, ...plain } = bid
    this.job.bids = [...others, toStoredBid(plain)]
    this.job.declinedWorkers = this.job.declinedWorkers.filter((worker) => worker !== bid.worker)
    this.log(
      'bid',
      `bid: ${formatTokens(bid.pricePerUnit)} per ${this.kind.unitName}, ${bid.etaSecondsPerUnit.toFixed(1)} s each`,
      { worker: bid.worker }
    )
    const windowOpen = this.job.bidWindowEndsAt !== undefined
    if (windowOpen && this.tasks.length === 0) {
      // close early once every worker that could take the job has bid
      const wanted = Math.min(
        this.ctx.options.maxWorkers,
        this.kind.units(this.job.spec),
        this.expectedBidders ?? Number.POSITIVE_INFINITY
      )
      if (this.rankedBids().length >= wanted) await this.closeWindow()
    } else if (this.tasks.length === 0 || this.tasks.some((task) => isTaskWaiting(task.state))) {
      if ((await this.dispatch()) > 0 && !this.waitingTasks()) this.clearTimer('reoffer')
    }
    await this.flush(false)
    return OK
  }

  async onProgress(msg: ProgressMessage): Promise<Ack> {
    const task = this.taskHeldBy(msg)
    if (typeof task === 'string') return refuse(task)
    const now = this.now()
    const unitsDone = Math.min(msg.framesDone, task.units.length)
    const next = nextTaskState(task.state, { type: 'progress', at: now })
    const changed = task.progress?.unitsDone !== unitsDone || next.name !== task.state.name
    this.setTask(task, next, !changed)
    task.progress = { unitsDone, unitsTotal: task.units.length, at: now }
    const { jobId: _j, taskId: _t, worker: _w, ...progress } = msg
    const event = this.event(
      'progress',
      `${task.taskId}: ${unitsDone} of ${task.units.length} ${this.kind.unitName}s done`,
      {
        taskId: task.taskId,
        worker: msg.worker,
        progress
      }
    )
    if (changed) {
      this.pending.push(event)
      await this.flush(false)
    } else this.ctx.emit(event)
    return OK
  }

  async onHeartbeat(msg: HeartbeatMessage): Promise<Ack> {
    const task = this.taskHeldBy(msg)
    if (typeof task === 'string') return refuse(task)
    this.setTask(task, nextTaskState(task.state, { type: 'heartbeat', at: this.now() }), true)
    return OK
  }

  async onResult(msg: ResultMessage): Promise<Ack> {
    const task = this.taskHeldBy(msg)
    if (typeof task === 'string') return refuse(task)
    const now = this.now()
    if (msg.error !== '') {
      await this.taskFailed(task, { type: 'fail', at: now, reason: `the worker reported: ${msg.error}` })
      await this.flush(true)
      return { accepted: true, reason: 'error recorded; the task goes to another worker' }
    }
    const problem = outputsProblem(task.units, msg.outputs)
    if (problem !== undefined) {
      await this.taskFailed(task, { type: 'fail', at: now, reason: problem })
      await this.flush(true)
      return refuse(problem)
    }
    this.setTask(task, nextTaskState(task.state, { type: 'deliver', at: now }))
    task.outputs = Object.fromEntries(
      msg.outputs.map((o) => [String(o.frame), { cid: o.cid, bytes: o.bytes }])
    )
    if (msg.evidence !== undefined) task.evidence = Buffer.from(msg.evidence).toString('base64')
    this.log('task-delivered', `${task.taskId} delivered`, { taskId: task.taskId, worker: msg.worker })
    const verdict = await this.verify(task, msg.worker)
    if (!verdict.ok) {
      await this.taskFailed(task, { type: 'reject', at: this.now(), reason: verdict.reason })
      await this.flush(true)
      return refuse(verdict.reason)
    }
    this.setTask(task, nextTaskState(task.state, { type: 'accept', at: this.now() }))
    this.job.unitsDone = this.tasks.reduce(
      (n, t) => n + (t.state.name === 'accepted' ? t.units.length : 0),
      0
    )
    this.log(
      'task-accepted',
      `${task.taskId} accepted (${this.job.unitsDone} of ${this.job.units.length} done)`,
      {
        taskId: task.taskId,
        worker: msg.worker
      }
    )
    if (this.job.unitsDone === this.job.units.length) {
      await this.finish('complete', `all ${this.job.units.length} ${this.kind.unitName}s delivered`)
    } else {
      await this.dispatch()
      await this.keepGoing()
      await this.flush(true)
    }
    return OK
  }

  /** Fails and reassigns every task whose worker has been silent too long. */
  async checkHeartbeats(): Promise<void> {
    if (this.finished) return
    const now = this.now()
    const overdue = overdueTasks(this.tasks, now, this.ctx.options.heartbeatTimeoutMs)
    for (const task of overdue) {
      if (this.finished || !isTaskActive(task.state)) continue
      this.cancelRemote(task.state.worker!, task.taskId, 'no heartbeat; the task was given to another worker')
      await this.taskFailed(task, { type: 'heartbeat-timeout', at: now })
    }
    if (overdue.length > 0) await this.flush(true)
  }

  async cancel(reason: string): Promise<void> {
    await this.finish('cancel', reason)
  }

  async deadlinePassed(): Promise<void> {
    if (this.finished) return
    const done = `${this.job.unitsDone} of ${this.kind.units(this.job.spec)}`
    await this.finish('fail', `the deadline passed with ${done} ${this.kind.unitName}s delivered`)
  }

  /** Records the failure, bars the worker from this job, and hands the task on (or fails the job). */
  protected async taskFailed(task: SchedulerTask, event: Failure): Promise<void> {
    const worker = task.state.worker!
    this.setTask(task, nextTaskState(task.state, event))
    task.outputs = {}
    delete task.progress
    if (!this.job.failedWorkers.includes(worker)) {
      this.job.failedWorkers.push(worker)
      this.ctx.globalFailures.set(worker, (this.ctx.globalFailures.get(worker) ?? 0) + 1)
    }
    this.log('task-failed', `${task.taskId} failed: ${task.state.error}`, { taskId: task.taskId, worker })
    if (task.state.attempts >= this.ctx.options.maxAttemptsPerTask) {
      await this.finish(
        'fail',
        `${task.taskId} failed ${task.state.attempts} times; last: ${task.state.error}`
      )
      return
    }
    this.setTask(task, nextTaskState(task.state, { type: 'reassign', at: this.now() }))
    this.log('task-reassigned', `${task.taskId} waits for another worker`, { taskId: task.taskId })
    await this.dispatch()
    await this.keepGoing()
  }

  protected async verify(task: SchedulerTask, worker: string): Promise<Verdict> {
    const verify = this.ctx.ports.verify
    if (verify === undefined) return { ok: true }
    try {
      return await verify({ job: this.job, task, worker, outputs: task.outputs })
    } catch (err) {
      return { ok: false, reason: `the result could not be verified: ${describeError(err)}` }
    }
  }

  protected armDeadline(): void {
    this.setTimer('deadline', this.job.spec.deadline - this.now(), () => this.deadlinePassed())
  }
}
