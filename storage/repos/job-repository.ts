import type { AbstractSublevel } from 'abstract-level'
import { Level } from 'level'
import type { JobLogEntry, JobRecord, NewJobLogEntry, TaskRecord } from './job-records.js'
import { eventKey, jobRange, SUBLEVELS, seqOfEventKey, taskKey } from './keys.js'
import { SerialQueue } from './serial-queue.js'

type Db = Level<string, unknown>
type Sub<V> = AbstractSublevel<Db, string | Buffer | Uint8Array, string, V>

export interface JobSnapshot<Spec = unknown, JobState = unknown, TaskState = unknown> {
  job: JobRecord<Spec, JobState>
  tasks: TaskRecord<TaskState>[]
}

/** What one atomic write changes: the job record, some tasks, new log lines. */
export interface JobWrite<Spec = unknown, JobState = unknown, TaskState = unknown> {
  job?: JobRecord<Spec, JobState>
  tasks?: TaskRecord<TaskState>[]
  events?: NewJobLogEntry[]
}

export interface WriteOptions {
  /** fsync before resolving: set for writes that record money or results. */
  sync: boolean
}

/**
 * Jobs, their tasks and their event log in level. Every write is one atomic batch across the
 * three sublevels; writes to one job are serialised in this process (so `update` is a safe
 * read-modify-write and event numbers never repeat).
 */
export class JobRepository<Spec = unknown, JobState = unknown, TaskState = unknown> {
  readonly #db: Db
  readonly #owned: boolean
  readonly #jobs: Sub<JobRecord<Spec, JobState>>
  readonly #tasks: Sub<TaskRecord<TaskState>>
  readonly #events: Sub<JobLogEntry>
  readonly #queue = new SerialQueue()
  readonly #nextSeq = new Map<string, number>()

  /** Uses the node's database `db` (its own sublevels inside); `close()` leaves `db` open unless `owned`. */
  constructor(db: Db, owned = false) {
    this.#db = db
    this.#owned = owned
    this.#jobs = db.sublevel<string, JobRecord<Spec, JobState>>(SUBLEVELS.jobs, { valueEncoding: 'json' })
    this.#tasks = db.sublevel<string, TaskRecord<TaskState>>(SUBLEVELS.tasks, { valueEncoding: 'json' })
    this.#events = db.sublevel<string, JobLogEntry>(SUBLEVELS.events, { valueEncoding: 'json' })
  }

  /** Opens (creating) a database of its own at `path`; `close()` closes it. */
  static async open<S = unknown, J = unknown, T = unknown>(path: string): Promise<JobRepository<S, J, T>> {
    const db = new Level<string, unknown>(path, { valueEncoding: 'json' })
    await db.open()
    return new JobRepository<S, J, T>(db, true)
  }

  async close(): Promise<void> {
    await this.#queue.idle()
    if (this.#owned) await this.#db.close()
  }

  /** Writes a whole job (record and every task) and optional log lines in one batch. */
  async put(
    snapshot: JobSnapshot<Spec, JobState, TaskState>,
    options: WriteOptions,
    events: NewJobLogEntry[] = []
  ): Promise<void> {
    const jobId = snapshot.job.id
    await this.#queue.run(jobId, () => this.#write(jobId, { ...snapshot, events }, options))
  }

  /** Writes the parts of a job that changed, in one batch. */
  async write(
    jobId: string,
    change: JobWrite<Spec, JobState, TaskState>,
    options: WriteOptions
  ): Promise<void> {
    await this.#queue.run(jobId, () => this.#write(jobId, change, options))
  }

  /**
   * Reads the job, lets `change` compute what to write (undefined: nothing), writes it in one
   * batch, and returns the job as now stored; undefined when there is no such job.
   */
  async update(
    jobId: string,
    change: (
      current: JobSnapshot<Spec, JobState, TaskState>
    ) => JobWrite<Spec, JobState, TaskState> | undefined,
    options: WriteOptions
  ): Promise<JobSnapshot<Spec, JobState, TaskState> | undefined> {
    return this.#queue.run(jobId, async () => {
      const current = await this.#read(jobId)
      if (current === undefined) return undefined
      const write = change(current)
      if (write === undefined) return current
      await this.#write(jobId, write, options)
      return this.#read(jobId)
    })
  }

  async get(jobId: string): Promise<JobSnapshot<Spec, JobState, TaskState> | undefined> {
    return this.#read(jobId)
  }

  async getJob(jobId: string): Promise<JobRecord<Spec, JobState> | undefined> {
    return this.#jobs.get(jobId)
  }

  /** Every job record, in job id order. */
  async list(): Promise<JobRecord<Spec, JobState>[]> {
    return this.#jobs.values().all()
  }

  /** A job's log, oldest first; `afterSeq` to continue from a line already shown. */
  async events(jobId: string, options: { afterSeq?: number; limit?: number } = {}): Promise<JobLogEntry[]> {
    const range = jobRange(jobId)
    const gt = options.afterSeq === undefined ? range.gt : eventKey(jobId, options.afterSeq)
    return this.#events.values({ gt, lt: range.lt, limit: options.limit ?? -1 }).all()
  }

  /** Removes a job with its tasks and log, in one batch. */
  async delete(jobId: string): Promise<void> {
    await this.#queue.run(jobId, async () => {
      const range = jobRange(jobId)
      const taskKeys = await this.#tasks.keys(range).all()
      const eventKeys = await this.#events.keys(range).all()
      await this.#db.batch(
        [
          { type: 'del', sublevel: this.#jobs, key: jobId },
          ...taskKeys.map((key) => ({ type: 'del' as const, sublevel: this.#tasks, key })),
          ...eventKeys.map((key) => ({ type: 'del' as const, sublevel: this.#events, key }))
        ],
        { sync: true }
      )
      this.#nextSeq.delete(jobId)
    })
  }

  async #read(jobId: string): Promise<JobSnapshot<Spec, JobState, TaskState> | undefined> {
    const job = await this.#jobs.get(jobId)
    if (job === undefined) return undefined
    const tasks = await this.#tasks.values(jobRange(jobId)).all()
    return { job, tasks }
  }

  async #write(
    jobId: string,
    change: JobWrite<Spec, JobState, TaskState>,
    options: WriteOptions
  ): Promise<void> {
    if (change.job !== undefined && change.job.id !== jobId)
      throw new Error(`job record ${change.job.id} written as ${jobId}`)
    const ops = []
    if (change.job !== undefined)
      ops.push({ type: 'put' as const, sublevel: this.#jobs, key: jobId, value: change.job })
    for (const task of change.tasks ?? []) {
      if (task.jobId !== jobId) throw new Error(`task of job ${task.jobId} written under ${jobId}`)
      ops.push({ type: 'put' as const, sublevel: this.#tasks, key: taskKey(jobId, task.index), value: task })
    }
    let seq = change.events?.length ? await this.#firstFreeSeq(jobId) : 0
    for (const entry of change.events ?? []) {
      ops.push({
        type: 'put' as const,
        sublevel: this.#events,
        key: eventKey(jobId, seq),
        value: { ...entry, seq }
      })
      seq++
    }
    if (ops.length === 0) return
    // biome-ignore lint/suspicious/noExplicitAny: ops mix sublevels with different value types
    await this.#db.batch(ops as any[], { sync: options.sync })
    if (change.events?.length) this.#nextSeq.set(jobId, seq)
  }

  async #firstFreeSeq(jobId: string): Promise<number> {
    const known = this.#nextSeq.get(jobId)
    if (known !== undefined) return known
    const [last] = await this.#events.keys({ ...jobRange(jobId), reverse: true, limit: 1 }).all()
    return last === undefined ? 0 : seqOfEventKey(last) + 1
  }
}
