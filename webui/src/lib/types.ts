// Shapes of the node's local API (`/api/v1`), shared by the client, the pages and the tests.

export type Role = 'worker' | 'requester' | 'super-peer'
export type ReachabilityStatus = 'public' | 'relay' | 'lan-only' | 'unknown'

export interface Reachability {
  status: ReachabilityStatus
  summary: string
  advice: string[]
}

export interface NodeStatus {
  peerId: string
  addresses: string[]
  roles: Role[]
  reachability: Reachability
  versions: { rynus: string; libp2p: string; node: string }
  startedAt: string
  uptimeSeconds: number
  connections: number
  /** Where the node keeps its key, config and databases. */
  dataDir?: string
}

export interface PeerInfo {
  peerId: string
  addresses: string[]
  direction: 'inbound' | 'outbound'
  latencyMs?: number
  protocols: string[]
  relayed: boolean
}

/** The error shape of every API answer that is not 2xx. */
export interface ApiErrorBody {
  error: { code: string; message: string; fields?: Record<string, string> }
}

// Render jobs (`/jobs`, `/jobs/render`, `/jobs/render/estimate`). Money: token base units as decimal strings.

export type RenderEngine = 'CYCLES' | 'BLENDER_EEVEE'
export type RenderDevice = 'CPU' | 'CUDA' | 'OPTIX' | 'HIP'
export type RenderFormat = 'PNG' | 'JPEG' | 'OPEN_EXR'
export type FrameSelection = { start: number; end: number } | number[]

export interface AssetInfo {
  cid: string
  size: number
  name: string
}

export interface RenderSubmission {
  input: AssetInfo
  frames: FrameSelection
  engine?: RenderEngine
  device?: RenderDevice
  samples?: number
  resolution?: { x: number; y: number }
  format?: RenderFormat
  maxPricePerUnit: string
  budget?: string
  deadlineInMs?: number
}

export interface RenderEstimate {
  canMatch: boolean
  reasons: string[]
  /** Peer ids of the workers that could take the job now. */
  candidates: string[]
  frames: number
  maxCost: string
  budget: string
}

export type JobStateName = 'draft' | 'offered' | 'running' | 'completed' | 'failed' | 'cancelled'
export type TaskStateName =
  | 'pending'
  | 'awarded'
  | 'running'
  | 'delivered'
  | 'accepted'
  | 'failed'
  | 'reassigned'
  | 'cancelled'

export interface JobSummary {
  id: string
  kind: string
  state: JobStateName
  createdAt: number
  updatedAt: number
  unitsDone: number
  unitsTotal: number
  reason?: string
}

export interface RenderParams {
  input: AssetInfo
  frames: FrameSelection
  engine: RenderEngine
  device: RenderDevice
  samples: number
  resolution: { x: number; y: number }
  format: RenderFormat
}

export interface JobSpecView {
  kind: string
  createdAt: number
  budget: string
  maxPricePerUnit: string
  deadline: number
  render?: RenderParams
}

export interface BidView {
  worker: string
  pricePerUnit: string
  etaSecondsPerUnit: number
  gpuModel: string
  tier: string
  receivedAt: number
}

export interface FrameOutput {
  cid: string
  bytes: number
}

export interface JobRecordView {
  id: string
  kind: string
  spec: JobSpecView
  state: { name: JobStateName; since: number; reason?: string }
  createdAt: number
  updatedAt: number
  /** Every frame the job delivers; empty until the job is split. */
  units: number[]
  workers: string[]
  failedWorkers: string[]
  bids: BidView[]
  noMatch?: { at: number; reasons: string[] }
}

export interface TaskView {
  taskId: string
  index: number
  units: number[]
  state: { name: TaskStateName; since: number; worker?: string; attempts: number; error?: string }
  pricePerUnit?: string
  outputs: Record<string, FrameOutput>
  progress?: { unitsDone: number; unitsTotal: number; at: number }
}

export interface JobHistoryEntry {
  seq: number
  at: number
  type: string
  message: string
  taskId?: string
  worker?: string
}

export interface JobDetail {
  job: JobRecordView
  tasks: TaskView[]
  /** frame → accepted output. */
  outputs: Record<string, FrameOutput>
  unitsDone: number
  unitsTotal: number
  history: JobHistoryEntry[]
  /** Present for training jobs. */
  train?: TrainJobView
}

// Workers (`/workers`, `/worker`).

export interface WorkerGpu {
  index: number
  vendor: string
  model: string
  vramBytes: number
}

export interface WorkerInfo {
  peerId: string
  gpus: WorkerGpu[]
  cpuCores: number
  cpuModel: string
  ramBytes: number
  diskFreeBytes: number
  capabilities: string[]
  /** Token base units per render unit (a 1-megapixel frame at 128 samples). */
  priceFloorPerUnit: string
  tier: string
  region: string
  version: string
  freeSlots: number
  /** '' when Blender is not installed. */
  blenderVersion: string
  sandbox: boolean
  latencyMs?: number
  expiresAt: number
}

export type WorkerRole =
  | { enabled: false }
  | {
      enabled: true
      capabilities: string[]
      capacity: {
        peerId: string
        capabilities: string[]
        gpus: Array<{ vendor: string; model: string; vramBytes: number }>
        priceFloorPerUnit: string
        freeSlots: number
        tier: string
      }
      tasks: Array<{ jobId: string; taskId: string; requester: string; frames: number[] }>
      settings: WorkerSettings
      history: HardwareSample[]
      hardware?: {
        gpus: Array<{ index: number; vendor: string; name: string; vramTotalBytes?: number }>
        cpu: { model: string; cores: number }
      }
    }

/** What an operator can change on a running worker (`PUT /worker/settings`). */
export interface WorkerSettings {
  paused: boolean
  /** Token base units per render unit (a 1-megapixel frame at 128 samples). */
  priceFloorPerUnit: string
  allowedHours: string[]
  markupPercent: number
}

/** One hardware probe of the worker, for the charts. */
export interface HardwareSample {
  at: number
  gpus: Array<{
    index: number
    vendor: string
    utilizationPercent: number | null
    temperatureC: number | null
    vramUsedBytes: number | null
    vramTotalBytes: number | null
  }>
  cpuLoadPercent: number
  memoryUsedBytes: number
}

/** GET /wallet. Amounts are decimal strings of base units. */
export interface WalletView {
  enabled: boolean
  address: string | null
  chainId?: number
  contracts?: { token: string; registry: string; market: string }
  balances?: {
    address: string
    wallet: { eth: string; tokens: string }
    market: { withdrawable: string; locked: string }
    stake: string
  }
  reason?: string
}

export interface WalletEntry {
  kind: 'escrowed' | 'paid' | 'earned' | 'refunded' | 'withdrawn' | 'slashed'
  amount: string
  jobId?: string
  taskId?: string
  counterparty?: string
  txHash: string
  blockNumber: number
}

export interface JobEscrow {
  jobId: string
  budget: string
  paid: string
  refunded: string
  held: string
  tasks: number
  txHash: string
}

/** GET /wallet/history. */
export interface WalletHistory {
  entries: WalletEntry[]
  escrows: JobEscrow[]
  fromBlock: number
}

// Training jobs (`/jobs/train`, `GET /jobs/:id` → `train`).

export type TrainTemplate = 'mlp' | 'cnn-small' | 'lstm-small'

/** What the GPU for AI form sends: the dataset is an uploaded CSV asset. */
export interface TrainSubmission {
  dataset: { cid: string; name?: string }
  labelColumn: string
  model?:
    | { kind: 'template'; name: TrainTemplate; hidden?: number[] }
    | { kind: 'layers'; topology: Record<string, unknown> }
  epochs: number
  batchSize?: number
  optimizer?: string
  learningRate?: number
  heldOut?: { fraction?: number }
  maxPricePerUnit: string
  budget?: string
}

export interface TrainEstimate {
  canMatch: boolean
  reasons: string[]
  candidates: number
  epochs: number
  /** Most the job can cost: max price per epoch × epochs, base units. */
  maxCost: string
  budget: string
  rows?: number
}

export interface TrainEpochView {
  epoch: number
  loss: number | null
  acc: number | null
  valLoss: number | null
  valAcc: number | null
  cid?: string
  worker?: string
  status?: string
}

export interface TrainJobView {
  heldOut: { fraction: number; seed: number; rows: number }
  epochs: TrainEpochView[]
  deliveredBy: Record<string, number>
  resumes: Array<{ taskId: string; worker: string; fromEpoch: number; at: number }>
  verifications: Array<{
    taskId: string
    worker: string
    accepted: boolean
    reason: string
    heldOutAccuracy: number | null
    at: number
  }>
  files: string[]
  model?: { classes: string[]; backend?: unknown }
}

// Assets (`/assets`).

export type AssetCodec = 'none' | 'gzip' | 'brotli'
export type CompressMode = 'auto' | AssetCodec

/** One asset in the node's index (GET /assets). */
export interface AssetView {
  /** Null while an import is still running. */
  cid: string | null
  name: string
  path: string
  kind: 'file' | 'folder'
  /** Bytes of the original content. */
  size: number
  /** Bytes stored after compression. */
  storedBytes: number
  chunks: number
  codec: AssetCodec
  pinned: boolean
  mtime: number
  addedAt: number
  status: 'importing' | 'complete'
  completion?: number
}
