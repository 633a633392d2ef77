import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { silentLogger } from '../../protocols/common/logger.js'
import { JobRepository } from '../../storage/repos/index.js'
import type { WorkerCapacity } from '../capacity.js'
import { FakeClock } from '../clock.js'
import { JobManager } from '../job-manager.js'
import { seededRng } from '../rng.js'
import type { JobSpec } from '../spec/types.js'
import type { JobState } from '../state/job-state.js'
import type { TaskState } from '../state/task-state.js'
import { bid, NOW } from '../test-support.js'
import type {
  Ack,
  AwardDraft,
  CancelDraft,
  IncomingBid,
  JobManagerEvent,
  JobManagerOptions,
  JobOfferDraft,
  ResultMessage,
  ResultVerifier,
  SchedulerJobRepository
} from './types.js'

/** Fast, small settings so tests read in whole seconds. */
export const TEST_OPTIONS: Partial<JobManagerOptions> = {
  bidWindowMs: 1500,
  heartbeatTimeoutMs: 30_000,
  heartbeatCheckMs: 5_000,
  reofferDelayMs: 5_000,
  maxEmptyRounds: 2
}

/**
 * A JobManager on a real level repository in a temp dir, with in-memory offers/market/capacity
 * ports that record what the manager sent, and a fake clock.
 */
export class ManagerHarness {
  readonly clock = new FakeClock(NOW)
  readonly published: JobOfferDraft[] = []
  readonly awards: Array<{ worker: string; award: AwardDraft }> = []
  readonly cancels: Array<{ worker: string; cancel: CancelDraft }> = []
  readonly events: JobManagerEvent[] = []
  /** Workers that decline awards, with their reason. */
  readonly declining = new Map<string, string>()
  /** Units the node sends instead of the whole task (as for a resumed training task), by worker. */
  readonly narrowing = new Map<string, (frames: number[]) => number[]>()
  capacity: WorkerCapacity[] | undefined
  verify: ResultVerifier | undefined
  options: Partial<JobManagerOptions>
  repo!: SchedulerJobRepository
  manager!: JobManager
  #dir = ''

  constructor(options: Partial<JobManagerOptions> = {}) {
    this.options = { ...TEST_OPTIONS, ...options }
  }

  async start(): Promise<this> {
    this.#dir = await mkdtemp(join(tmpdir(), 'rynus-scheduler-'))
    await this.#open()
    return this
  }

  /** Stops the manager and closes the database, then opens both again (a requester restart). */
  async restart(): Promise<void> {
    await this.manager.stop()
    await this.repo.close()
    await this.#open()
  }

  async close(): Promise<void> {
    await this.manager.stop()
    await this.repo.close()
    await rm(this.#dir, { recursive: true, force: true })
  }

  /** Moves the clock and lets every step it triggered finish. */
  async tick(ms: number): Promise<void> {
    this.clock.advance(ms)
    await this.manager.idle()
  }

  bid(jobId: string, worker: string, overrides: Parameters<typeof bid>[1] = {}): Promise<Ack> {
    const incoming: IncomingBid = { ...bid(worker, { receivedAt: this.clock.now(), ...overrides }), jobId }
    return this.manager.onBid(incoming)
  }

  /** The task a worker was last awarded for a job. */
  awardOf(worker: string): AwardDraft {
    const found = this.awards.filter((a) => a.worker === worker).at(-1)
    if (found === undefined) throw new Error(`${worker} got no award`)
    return found.award
  }

  /** A successful result for an award: one output per frame. */
  result(worker: string, award = this.awardOf(worker)): ResultMessage {
    return {
      jobId: award.jobId,
      taskId: award.taskId,
      worker,
      outputs: award.frames.map((frame) => ({ frame, cid: `bafyframe${frame}`, bytes: 1000 + frame })),
      error: ''
    }
  }

  async #open(): Promise<void> {
    this.repo = await JobRepository.open<JobSpec, JobState, TaskState>(join(this.#dir, 'db'))
    this.manager = new JobManager(
      {
        repo: this.repo,
        offers: { publish: async (offer) => void this.published.push(offer) },
        market: {
          sendAward: async (worker, award) => {
            const frames = this.narrowing.get(worker)?.(award.frames)
            this.awards.push({ worker, award: frames === undefined ? award : { ...award, frames } })
            const reason = this.declining.get(worker)
            if (reason !== undefined) return { accepted: false, reason }
            return { accepted: true, reason: '', ...(frames !== undefined && { frames }) }
          },
          sendCancel: async (worker, cancel) => void this.cancels.push({ worker, cancel })
        },
        clock: this.clock,
        rng: seededRng(1),
        logger: silentLogger,
        ...(this.capacity === undefined ? {} : { capacity: { workers: async () => this.capacity ?? [] } }),
        ...(this.verify === undefined ? {} : { verify: (input) => this.verify!(input) })
      },
      this.options
    )
    this.manager.events.on('job', (event) => this.events.push(event))
    await this.manager.start()
    await this.manager.idle()
  }
}
