/**
 * What the job repository stores. The scheduler owns the meaning of `spec` and the state
 * objects (its state machines); storage keeps them as JSON. Money is a decimal string.
 */
export interface StoredBid {
  worker: string
  /** Token base units per unit, decimal string. */
  pricePerUnit: string
  etaSecondsPerUnit: number
  gpuModel: string
  vramBytes: number
  freeSlots: number
  tier: 'global' | 'trusted'
  latencyMs?: number
  receivedAt: number
}

export interface JobRecord<Spec = unknown, State = unknown> {
  /** The spec block's CID. */
  id: string
  kind: string
  spec: Spec
  state: State
  createdAt: number
  updatedAt: number
  /** Every unit the job must deliver (render: frames), set when the job is split. */
  units: number[]
  /** Workers that held a task of this job, in award order. */
  workers: string[]
  /** Workers that failed a task of this job: never awarded a task of it again. */
  failedWorkers: string[]
  /** Workers that declined an award of this job (not failures; skipped for this job). */
  declinedWorkers: string[]
  bids: StoredBid[]
  /** How many times the job was offered. */
  offerRound: number
  /** Bid windows in a row that ended with no award; reset by an award. */
  emptyRounds: number
  /** Units with an accepted output. */
  unitsDone: number
  /** ms: when the open bid window closes; absent when none is open. */
  bidWindowEndsAt?: number
  /** The last "why no bids" answer. */
  noMatch?: { at: number; reasons: string[] }
}

export interface TaskOutput {
  cid: string
  bytes: number
}

export interface TaskRecord<State = unknown> {
  jobId: string
  taskId: string
  /** Position in the split; orders the tasks. */
  index: number
  /** Units of this task (render: frames), ascending. */
  units: number[]
  state: State
  /** Agreed price per unit for the current award, decimal string. */
  pricePerUnit?: string
  /** unit (frame) → delivered output, for an accepted (or delivered) result. */
  outputs: Record<string, TaskOutput>
  /** Last progress report. */
  progress?: { unitsDone: number; unitsTotal: number; at: number }
  /** The signed result bytes as base64, kept as evidence. */
  evidence?: string
}

/** One line of a job's history, for `job status` and the API. `seq` is assigned on write. */
export interface JobLogEntry {
  seq: number
  at: number
  type: string
  message: string
  taskId?: string
  worker?: string
}

export type NewJobLogEntry = Omit<JobLogEntry, 'seq'>
