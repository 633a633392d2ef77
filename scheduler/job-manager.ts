import { EventEmitter } from 'node:events'
import { describeError } from '../protocols/common/errors.js'
import type { Logger } from '../protocols/common/logger.js'
import type { JobLogEntry } from '../storage/repos/index.js'
import { SerialQueue } from '../storage/repos/serial-queue.js'
import { JobNotFoundError, SchedulerStoppedError, StateTransitionError } from './errors.js'
import { JobRun } from './manager/job-run.js'
import { viewOf } from './manager/records.js'
import type { RunContext } from './manager/run-context.js'
import type {
  Ack,
  HeartbeatMessage,
  IncomingBid,
  JobManagerEvent,
  JobManagerOptions,
  JobManagerPorts,
  JobView,
  ProgressMessage,
  ResultMessage,
  SchedulerJob
} from './manager/types.js'
import { DEFAULT_RANK_POLICY } from './rank/types.js'
import { encodeJobSpec, jobIdOf } from './spec/encode.js'
import { defaultJobKinds, type JobKindRegistry } from './spec/registry.js'
import { validateJobSpec } from './spec/validate.js'
import { DEFAULT_MAX_UNITS_PER_TASK } from './split.js'
import { isJobFinished, type JobStateName } from './state/job-state.js'

export const DEFAULT_JOB_MANAGER_OPTIONS: JobManagerOptions = {
  bidWindowMs: 1500,
  offerTtlMs: 60_000,
  heartbeatTimeoutMs: 30_000,
  heartbeatCheckMs: 5_000,
  maxEmptyRounds: 3,
  reofferDelayMs: 5_000,
  maxWorkers: 8,
  maxUnitsPerTask: DEFAULT_MAX_UNITS_PER_TASK,
  maxAttemptsPerTask: 5,
  rankPolicy: DEFAULT_RANK_POLICY
}

/** One line per job for `job ls`. */
export interface JobSummary {
  id: string
  kind: string
  state: JobStateName
  createdAt: number
  updatedAt: number
  unitsDone: number
  unitsTotal: number
  /** Why the job failed or was cancelled. */
  reason?: string
}

export interface JobManagerEvents {
  job: [JobManagerEvent]
}

/**
 * The requester's scheduler: takes job specs, offers them, collects and ranks bids, splits jobs
 * into tasks, awards them, watches heartbeats, reassigns lost tasks (never to a worker that
 * failed the job), and completes a job when every unit is in. Everything goes through the
 * injected ports; every change is stored before its event is emitted, and `start()` resumes
 * unfinished jobs from the repository.
 */
export class JobManager {
  /** `job` events for the API/WebSocket (progress included). */
  readonly events = new EventEmitter<JobManagerEvents>()
  readonly #ports: JobManagerPorts
  readonly #options: JobManagerOptions
  readonly #kinds: JobKindRegistry
  readonly #log: Logger
  readonly #runs = new Map<string, JobRun>()
  readonly #queue = new SerialQueue()
  readonly #globalFailures = new Map<string, number>()
  #started = false
  #stopHeartbeats: (() => void) | undefined

  constructor(ports: JobManagerPorts, options: Partial<JobManagerOptions> = {}) {
    this.#ports = ports
    this.#options = { ...DEFAULT_JOB_MANAGER_OPTIONS, ...options }
    this.#kinds = ports.kinds ?? defaultJobKinds()
    this.#log = ports.logger.child('jobs')
  }

  /** Loads every job; unfinished ones carry on (their steps are queued, see `idle()`). */
  async start(): Promise<void> {
    if (this.#started) return
    this.#started = true
    const jobs = await this.#ports.repo.list()
    for (const job of jobs) {
      for (const worker of job.failedWorkers)
        this.#globalFailures.set(worker, (this.#globalFailures.get(worker) ?? 0) + 1)
    }
    for (const job of jobs.filter((j) => !isJobFinished(j.state))) {
      const snapshot = await this.#ports.repo.get(job.id)
      if (snapshot === undefined || this.#kinds.find(job.kind) === undefined) continue
      const run = new JobRun(snapshot.job, snapshot.tasks, this.#context())
      this.#runs.set(job.id, run)
      this.#enqueue(job.id, () => run.resume())
    }
    this.#scheduleHeartbeatCheck()
  }

  /** Stops timers and waits for queued steps; jobs stay stored and resume on the next start. */
  async stop(): Promise<void> {
    if (!this.#started) return
    this.#started = false
    this.#stopHeartbeats?.()
    for (const run of this.#runs.values()) run.suspend()
    await this.#queue.idle()
    for (const run of this.#runs.values()) run.suspend()
    this.#runs.clear()
  }

  /** Resolves when every queued step has run (tests and orderly shutdown). */
  async idle(): Promise<void> {
    await this.#queue.idle()
  }

  /**
   * Validates the spec (JobSpecError with field errors), stores it and offers it; returns the
   * job id. Submitting the same spec again returns the same id and changes nothing.
   */
  async submit(input: unknown): Promise<string> {
    this.#requireStarted()
    const spec = validateJobSpec(input, { now: this.#ports.clock.now(), kinds: this.#kinds })
    const id = jobIdOf(encodeJobSpec(spec))
    return this.#queue.run(id, async () => {
      if (this.#runs.has(id) || (await this.#ports.repo.getJob(id)) !== undefined) return id
      const run = JobRun.create(id, spec, this.#context())
      this.#runs.set(id, run)
      try {
        await run.begin()
      } finally {
        if (run.finished) this.#runs.delete(id)
      }
      return id
    })
  }

  /** A worker's bid (worker = verified signer); the answer goes back as the BidAck. */
  onBid(bid: IncomingBid): Promise<Ack> {
    return this.#route(bid.jobId, (run) => run.onBid(bid))
  }

  onProgress(msg: ProgressMessage): Promise<Ack> {
    return this.#route(msg.jobId, (run) => run.onProgress(msg))
  }

  onHeartbeat(msg: HeartbeatMessage): Promise<Ack> {
    return this.#route(msg.jobId, (run) => run.onHeartbeat(msg))
  }

  /** A task's result; verified (ports.verify) before it is accepted. */
  onResult(msg: ResultMessage): Promise<Ack> {
    return this.#route(msg.jobId, (run) => run.onResult(msg))
  }

  /** Cancels an unfinished job and tells its workers; JobNotFoundError / StateTransitionError otherwise. */
  async cancel(jobId: string, reason = 'cancelled by the requester'): Promise<JobView> {
    this.#requireStarted()
    await this.#queue.run(jobId, async () => {
      const run = this.#runs.get(jobId)
      if (run === undefined) {
        const job = await this.#ports.repo.getJob(jobId)
        if (job === undefined) throw new JobNotFoundError(jobId)
        throw new StateTransitionError('job', job.state.name, 'cancel')
      }
      await run.cancel(reason)
      this.#runs.delete(jobId)
    })
    return (await this.get(jobId))!
  }

  /** The job with its tasks and delivered outputs, as last stored. */
  async get(jobId: string): Promise<JobView | undefined> {
    const snapshot = await this.#ports.repo.get(jobId)
    if (snapshot === undefined) return undefined
    return viewOf(snapshot.job, snapshot.tasks, this.#kinds.find(snapshot.job.kind))
  }

  /** Every job, newest first. */
  async list(): Promise<JobSummary[]> {
    const jobs = await this.#ports.repo.list()
    return jobs.map((job) => this.#summary(job)).sort((a, b) => b.createdAt - a.createdAt)
  }

  /** A job's stored log, oldest first (`afterSeq` to continue). */
  async history(jobId: string, afterSeq?: number): Promise<JobLogEntry[]> {
    return this.#ports.repo.events(jobId, afterSeq === undefined ? {} : { afterSeq })
  }

  #summary(job: SchedulerJob): JobSummary {
    const unitsTotal =
      job.units.length > 0 ? job.units.length : (this.#kinds.find(job.kind)?.units(job.spec) ?? 0)
    const summary: JobSummary = {
      id: job.id,
      kind: job.kind,
      state: job.state.name,
      createdAt: job.createdAt,
      updatedAt: job.updatedAt,
      unitsDone: job.unitsDone,
      unitsTotal
    }
    if (job.state.reason !== undefined) summary.reason = job.state.reason
    return summary
  }

  async #route(jobId: string, step: (run: JobRun) => Promise<Ack>): Promise<Ack> {
    if (!this.#started) return { accepted: false, reason: 'the requester is not running' }
    if (!this.#runs.has(jobId)) return { accepted: false, reason: 'unknown or finished job' }
    return this.#queue.run(jobId, async () => {
      const run = this.#runs.get(jobId)
      if (run === undefined) return { accepted: false, reason: 'unknown or finished job' }
      try {
        return await step(run)
      } catch (err) {
        this.#log.error('job step failed', { jobId, error: describeError(err) })
        return { accepted: false, reason: 'the requester could not process this message' }
      } finally {
        if (run.finished) this.#runs.delete(jobId)
      }
    })
  }

  #enqueue(jobId: string, work: () => Promise<void>): void {
    if (!this.#started) return
    this.#queue
      .run(jobId, async () => {
        const run = this.#runs.get(jobId)
        try {
          await work()
        } finally {
          if (run?.finished) this.#runs.delete(jobId)
        }
      })
      .catch((err: unknown) => this.#log.error('job step failed', { jobId, error: describeError(err) }))
  }

  #scheduleHeartbeatCheck(): void {
    this.#stopHeartbeats = this.#ports.clock.schedule(this.#options.heartbeatCheckMs, () => {
      if (!this.#started) return
      for (const [jobId, run] of this.#runs) this.#enqueue(jobId, () => run.checkHeartbeats())
      this.#scheduleHeartbeatCheck()
    })
  }

  #context(): RunContext {
    return {
      ports: this.#ports,
      options: this.#options,
      kinds: this.#kinds,
      clock: this.#ports.clock,
      log: this.#log,
      globalFailures: this.#globalFailures,
      emit: (event) => {
        try {
          this.events.emit('job', event)
        } catch (err) {
          this.#log.warn('a job event listener threw', { jobId: event.jobId, error: describeError(err) })
        }
      },
      enqueue: (jobId, work) => this.#enqueue(jobId, work)
    }
  }

  #requireStarted(): void {
    if (!this.#started) throw new SchedulerStoppedError()
  }
}
