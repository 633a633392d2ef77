import type { Logger } from '../../protocols/common/logger.js'
import type {
  JobLogEntry,
  JobRecord,
  JobRepository,
  TaskOutput,
  TaskRecord
} from '../../storage/repos/index.js'
import type { WorkerCapacity } from '../capacity.js'
import type { Clock } from '../clock.js'
import type { Bid, RankPolicy } from '../rank/types.js'
import type { JobKindRegistry } from '../spec/registry.js'
import type { GpuVendor, JobSpec } from '../spec/types.js'
import type { JobState } from '../state/job-state.js'
import type { TaskState } from '../state/task-state.js'

export type SchedulerJob = JobRecord<JobSpec, JobState>
export type SchedulerTask = TaskRecord<TaskState>
export type SchedulerJobRepository = JobRepository<JobSpec, JobState, TaskState>

/** The offer to gossip (the node maps it onto the `JobOffer` protobuf and signs it). */
export interface JobOfferDraft {
  jobId: string
  kind: string
  /** Only concrete capability keys (see capability.ts `providerKeys`); the spec holds the rest. */
  requirements: { capabilities: string[]; minVramBytes?: number; gpuVendor?: GpuVendor; gpuModel?: string }
  maxPricePerUnit: bigint
  /** Units still to place (all of them on the first offer). */
  units: number
  createdAt: number
  expiresAt: number
}

/** An award to send (the node adds chainTaskId and createdAt, and signs it). */
export interface AwardDraft {
  jobId: string
  taskId: string
  frames: number[]
  pricePerUnit: bigint
  deadline: number
}

export interface CancelDraft {
  jobId: string
  taskId: string
  reason: string
}

/** The answer to a bid, an award or a job message. */
export interface Ack {
  accepted: boolean
  reason: string
}

/** A bid as it reached this node: `worker` is the verified signer. */
export type IncomingBid = Bid & { jobId: string }

export interface ProgressMessage {
  jobId: string
  taskId: string
  worker: string
  frame: number
  sample: number
  samples: number
  framesDone: number
  framesTotal: number
}

export interface HeartbeatMessage {
  jobId: string
  taskId: string
  worker: string
}

export interface ResultMessage {
  jobId: string
  taskId: string
  worker: string
  outputs: Array<{ frame: number; cid: string; bytes: number }>
  /** Empty on success. */
  error: string
  /** The signed result bytes, kept with the task as evidence. */
  evidence?: Uint8Array
}

export type Verdict = { ok: true } | { ok: false; reason: string }

/** Checks a delivered result before it is accepted (render: fetch and look at the images). */
export type ResultVerifier = (input: {
  job: SchedulerJob
  task: SchedulerTask
  worker: string
  outputs: Record<string, TaskOutput>
}) => Promise<Verdict>

export interface JobManagerPorts {
  repo: SchedulerJobRepository
  offers: { publish(offer: JobOfferDraft): Promise<void> }
  market: {
    /**
     * Sends an award. The node may narrow it (a resumed training task is awarded only the epochs
     * after its resume point) and then says which units it sent in `frames`.
     */
    sendAward(worker: string, award: AwardDraft): Promise<Ack & { frames?: number[] }>
    sendCancel(worker: string, cancel: CancelDraft): Promise<void>
  }
  clock: Clock
  rng: () => number
  logger: Logger
  /** Current capacity records (from the DHT), for "why no bids". */
  capacity?: { workers(): Promise<WorkerCapacity[]> }
  /** Default: accept every complete result. */
  verify?: ResultVerifier
  kinds?: JobKindRegistry
}

export interface JobManagerOptions {
  /** How long bids are collected after an offer before awarding. */
  bidWindowMs: number
  /** An offer's lifetime on the gossip topic. */
  offerTtlMs: number
  /** A task whose worker is silent this long is reassigned. */
  heartbeatTimeoutMs: number
  /** How often silent workers are looked for. */
  heartbeatCheckMs: number
  /** Bid windows in a row without an award before the job fails with the reasons. */
  maxEmptyRounds: number
  /** Pause between an empty bid window and the next offer. */
  reofferDelayMs: number
  /** Most workers one job is split over. */
  maxWorkers: number
  /** Most units (frames) per task, so a lost task is cheap to redo. */
  maxUnitsPerTask: number
  /** Times one task may be awarded before the job fails. */
  maxAttemptsPerTask: number
  rankPolicy: RankPolicy
}

export type JobManagerEventType =
  | 'submitted'
  | 'offered'
  | 'offer-failed'
  | 'bid'
  | 'no-bids'
  | 'awarded'
  | 'award-declined'
  | 'progress'
  | 'task-delivered'
  | 'task-accepted'
  | 'task-failed'
  | 'task-reassigned'
  | 'resumed'
  | 'completed'
  | 'failed'
  | 'cancelled'

/** A job event for the API/WebSocket; all but `progress` are also in the job's stored log. */
export interface JobManagerEvent {
  jobId: string
  at: number
  type: JobManagerEventType
  message: string
  taskId?: string
  worker?: string
  /** On progress: the worker's report. */
  progress?: Omit<ProgressMessage, 'jobId' | 'taskId' | 'worker'>
  /** On events that change the job's state. */
  state?: JobState['name']
}

/** A job as `get` returns it. */
export interface JobView {
  job: SchedulerJob
  tasks: SchedulerTask[]
  /** unit (frame) → accepted output. */
  outputs: Record<string, TaskOutput>
  unitsDone: number
  unitsTotal: number
}

export type { JobLogEntry }
