import { mkdir } from 'node:fs/promises'
import { join } from 'node:path'
import type { Helia } from 'helia'
import { describeError } from '../../protocols/common/errors.js'
import type { Logger } from '../../protocols/common/logger.js'
import type { JobChannel } from '../../protocols/job/index.js'
import type { MarketService } from '../../protocols/market/index.js'
import { MAX_OFFER_SPEC_BYTES, type OfferBoard } from '../../protocols/offers/index.js'
import {
  decodeJobSpec,
  encodeJobSpec,
  explainNoMatch,
  JobManager,
  type JobSpec,
  type JobSummary,
  type JobView,
  jobCidOf,
  jobIdOf,
  type NoMatchExplanation,
  type ResultVerifier,
  type SchedulerJobRepository,
  seededRng,
  systemClock,
  validateJobSpec
} from '../../scheduler/index.js'
import { type JobLogEntry, JobRepository } from '../../storage/repos/index.js'
import type { RequesterSettlement } from '../chain/index.js'
import type { NodeConfig } from '../config/config.js'
import type { RynusLibp2p } from '../libp2p/types.js'
import { fetchOutputs } from './outputs.js'
import { RequesterChain } from './requester-chain.js'
import { type RenderSubmission, renderSpecFrom } from './submission.js'
import { type TrainJobView, TrainRequester } from './train-requester.js'
import type { TrainSubmission } from './train-submission.js'
import { WorkerDirectory } from './worker-directory.js'

export interface RequesterServiceOptions {
  dataDir: string
  config: NodeConfig['requester']
}

export interface RequesterServiceComponents {
  libp2p: RynusLibp2p
  helia: Helia
  offers: OfferBoard
  market: MarketService
  jobs: JobChannel
  /** Settlement on chain; absent when the node has no chain configured (unpaid jobs). */
  settlement?: RequesterSettlement
  /** With settlement: throws (InsufficientBalanceError) when the wallet cannot escrow a budget. */
  funds?: (budget: bigint) => Promise<void>
  logger: Logger
}

/**
 * The requester role: turns submissions into job specs (stored as blocks, so the CID is the
 * job id), runs the scheduler's JobManager over the real protocols, fetches and checks
 * delivered frames, and keeps everything in level so a restart carries on.
 */
export class RequesterService {
  private readonly opts: RequesterServiceOptions
  private readonly c: RequesterServiceComponents
  private readonly log: Logger
  private repo?: SchedulerJobRepository
  private manager?: JobManager
  readonly workers: WorkerDirectory
  private readonly chain?: RequesterChain
  /** Training jobs: held-out rows, checkpoints and resume points, model verification. */
  readonly train: TrainRequester

  constructor(opts: RequesterServiceOptions, components: RequesterServiceComponents) {
    this.opts = opts
    this.c = components
    this.log = components.logger
    if (components.settlement !== undefined) {
      this.chain = new RequesterChain({
        settlement: components.settlement,
        logger: components.logger.child('chain'),
        delivered: (jobId, taskId, worker, sinceMs) =>
          this.train.deliveredEpochs(jobId, taskId, worker, sinceMs)
      })
    }
    this.workers = new WorkerDirectory({
      libp2p: components.libp2p,
      logger: components.logger.child('workers')
    })
    this.train = new TrainRequester(
      { dataDir: opts.dataDir },
      {
        ...components,
        logger: components.logger.child('train'),
        manager: () => this.jobs,
        onSpec: (jobId, bytes) => this.rememberSpec(jobId, bytes),
        funds: components.funds
      }
    )
  }

  /** Where accepted frames of a job are written. */
  resultsDir(jobId: string): string {
    return join(this.opts.dataDir, 'results', jobId)
  }

  get jobs(): JobManager {
    if (this.manager === undefined) throw new Error('the requester service is not started')
    return this.manager
  }

  async start(): Promise<void> {
    await mkdir(join(this.opts.dataDir, 'results'), { recursive: true })
    // image datasets left half-prepared by a crash
    await this.train.store.clearStaging()
    this.repo = await JobRepository.open(join(this.opts.dataDir, 'jobs'))
    const { offers, market, jobs, libp2p } = this.c
    const verify: ResultVerifier = async ({ job, task, worker, outputs }) =>
      job.spec.kind === 'train'
        ? this.train.verify({ job, task, worker, outputs }, this.resultsDir(job.id))
        : fetchOutputs(
            { helia: this.c.helia, libp2p, logger: this.log },
            { spec: job.spec, worker, outputs, dir: this.resultsDir(job.id), taskId: task.taskId }
          )
    this.manager = new JobManager(
      {
        repo: this.repo,
        offers: {
          publish: async (draft) => {
            const spec = this.specBytes.get(draft.jobId)
            const chainJobId = await this.chainJobFor(draft.jobId)
            await offers.publish({
              ...(spec !== undefined && spec.byteLength <= MAX_OFFER_SPEC_BYTES ? { spec } : {}),
              ...draft,
              requirements: { minVramBytes: 0, gpuVendor: '', gpuModel: '', ...draft.requirements },
              chainJobId
            })
          }
        },
        market: {
          sendAward: async (worker, whole) => {
            const award = await this.train.awardFor(whole, worker)
            let chainTaskId = 0n
            if (this.chain !== undefined) {
              const job = await this.repo!.getJob(award.jobId)
              try {
                chainTaskId = await this.chain.addTask(award.jobId, job!.spec, worker, award)
              } catch (err) {
                return { accepted: false, reason: `cannot add the task on chain: ${describeError(err)}` }
              }
            }
            const reply = await market.sendAward(worker, { ...award, chainTaskId, createdAt: Date.now() })
            return { ...reply, frames: award.frames }
          },
          sendCancel: async (worker, cancel) => {
            await jobs.sendCancel(worker, cancel).catch(() => undefined)
          }
        },
        clock: systemClock,
        rng: seededRng(Date.now()),
        logger: this.log,
        capacity: { workers: () => this.workers.list() },
        verify
      },
      { bidWindowMs: this.opts.config.bidWindowMs, heartbeatTimeoutMs: this.opts.config.heartbeatTimeoutMs }
    )
    const manager = this.manager
    const chain = this.chain
    if (chain !== undefined) manager.events.on('job', (event) => chain.onJobEvent(event))
    market.onBid((bid, from) =>
      manager.onBid({ ...bid, worker: from, receivedAt: Date.now(), latencyMs: this.latency(from) })
    )
    jobs.onProgress((p, from) => manager.onProgress({ ...p, worker: from }))
    jobs.onHeartbeat(async (h, from) =>
      this.train.answerHeartbeat(h, from, await manager.onHeartbeat({ ...h, worker: from }))
    )
    jobs.onResult(
      async (r, from, signed) =>
        (await this.train.takeReport(r, from, signed)) ??
        manager.onResult({ ...r, worker: from, evidence: signed })
    )
    await manager.start()
  }

  /** Escrow on chain for a job (0n when settlement is off). */
  private async chainJobFor(jobId: string): Promise<bigint> {
    if (this.chain === undefined) return 0n
    // the first offer goes out before the job record is flushed: the spec bytes are at hand
    const bytes = this.specBytes.get(jobId)
    const spec = bytes !== undefined ? decodeJobSpec(bytes) : (await this.repo!.getJob(jobId))?.spec
    if (spec === undefined) throw new Error(`job ${jobId} is not stored`)
    return this.chain.chainJobFor(jobId, spec)
  }

  async stop(): Promise<void> {
    await this.chain?.stop()
    await this.manager?.stop()
    await this.repo?.close()
  }

  /**
   * Builds the spec for a render submission, stores it as a block workers can fetch by its CID
   * (the job id), and hands it to the scheduler. Field errors come back as JobSpecError.
   */
  async submitRender(submission: RenderSubmission): Promise<string> {
    const spec = validateJobSpec(renderSpecFrom(submission, this.c.libp2p.peerId.toString(), Date.now()))
    await this.c.funds?.(BigInt(spec.budget))
    const bytes = encodeJobSpec(spec)
    await this.c.helia.blockstore.put(jobCidOf(bytes), bytes)
    this.rememberSpec(jobIdOf(bytes), bytes)
    return this.jobs.submit(spec)
  }

  /**
   * Submits a training job: keeps a held-out slice of the dataset on this node, publishes the
   * rest for workers, stores the spec block and hands it to the scheduler. Returns the job id.
   */
  async submitTrain(submission: TrainSubmission): Promise<string> {
    return this.train.submit(submission)
  }

  /** Whether a training job could match the workers online now, and if not, why. */
  async explainTrain(submission: TrainSubmission): Promise<NoMatchExplanation & { spec: JobSpec }> {
    const { spec, prepared } = await this.train.prepare(submission)
    await prepared.images?.dispose()
    return { ...explainNoMatch(spec, await this.workers.list(), Date.now()), spec }
  }

  /** Per-epoch metrics, checkpoints, resumes and verification of a training job (undefined for others). */
  async trainView(jobId: string): Promise<TrainJobView | undefined> {
    return this.train.view(jobId)
  }

  /** Whether a spec can match the workers online now, and if not, exactly why. */
  async explain(submission: RenderSubmission): Promise<NoMatchExplanation & { spec: JobSpec }> {
    const spec = validateJobSpec(renderSpecFrom(submission, this.c.libp2p.peerId.toString(), Date.now()))
    return { ...explainNoMatch(spec, await this.workers.list(), Date.now()), spec }
  }

  async get(jobId: string): Promise<JobView | undefined> {
    return this.jobs.get(jobId)
  }

  async list(): Promise<JobSummary[]> {
    return this.jobs.list()
  }

  async history(jobId: string, afterSeq?: number): Promise<JobLogEntry[]> {
    return this.jobs.history(jobId, afterSeq)
  }

  async cancel(jobId: string): Promise<JobView> {
    return this.jobs.cancel(jobId)
  }

  /** Small spec blocks ride along in offers (workers check them against the job id). */
  private readonly specBytes = new Map<string, Uint8Array>()

  private rememberSpec(jobId: string, bytes: Uint8Array): void {
    if (this.specBytes.size >= 1024) this.specBytes.delete(this.specBytes.keys().next().value as string)
    this.specBytes.set(jobId, bytes)
  }

  private latency(peer: string): number | undefined {
    const conn = this.c.libp2p.getConnections().find((c) => c.remotePeer.toString() === peer)
    return conn?.rtt
  }
}
