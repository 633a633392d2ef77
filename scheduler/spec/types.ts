import type { RenderParams } from '../kinds/render/types.js'
import type { TrainJobParams } from '../kinds/train/types.js'

export type GpuVendor = 'nvidia' | 'amd'
export type JobKindName = 'render' | 'train'

/** What a worker must have to take the job. Capability keys follow `../capability.ts`. */
export interface Requirements {
  capabilities: string[]
  minVramBytes?: number
  gpuVendor?: GpuVendor
  gpuModel?: string
}

/**
 * A job as the requester submits it. Its canonical JSON encoding is a block whose CID is the job
 * id, so every field is plain JSON: money is a decimal string of token base units (18 decimals).
 * The kind's own parameters sit under a key named after the kind (`render`, later `train`).
 */
export interface JobSpec {
  version: 1
  kind: JobKindName
  /** Peer id of the requester's node. */
  requester: string
  /** ms since the epoch. */
  createdAt: number
  /** Most the requester pays for the whole job, token base units as a decimal string. */
  budget: string
  /** Most the requester pays per unit of work (render: per frame), base units as a decimal string. */
  maxPricePerUnit: string
  /** ms since the epoch; every unit must be delivered by then. */
  deadline: number
  requirements: Requirements
  render?: RenderParams
  train?: TrainJobParams
}

/** One task of a split job: the units (render: frame numbers) one worker does in one go. */
export interface TaskPlan {
  /** 0-based position in the split; task ids derive from it. */
  index: number
  /** Ascending unit numbers (render: frames). */
  units: number[]
}

/** Work in one unit relative to the reference unit the price floor is quoted for: `num / den`. */
export interface WorkRatio {
  num: bigint
  den: bigint
}

/** Splitting options the scheduler passes to a kind. */
export interface SplitOptions {
  /** Upper bound on units per task, so a reassigned task is small. */
  maxUnitsPerTask: number
}

/**
 * A job kind plug-in. The envelope (requester, money, deadline, requirements) is validated by
 * `validateJobSpec`; the kind validates its own parameters and says how the job is measured,
 * matched and split. `render` is the first; `train` registers the same way.
 */
export interface JobKind {
  readonly name: JobKindName
  /** What one unit is called in messages: `frame`, `epoch`. */
  readonly unitName: string
  /**
   * Field errors (full paths such as `render.samples`) for `params` (`spec[name]`) and for its
   * consistency with the envelope (e.g. a CUDA render that requires an AMD GPU). Empty when valid.
   */
  validate(params: unknown, spec: JobSpec): Record<string, string>
  /** Number of units of work (render: frames). */
  units(spec: JobSpec): number
  /** Capability keys a worker must offer (see `../capability.ts` for matching), deduplicated. */
  requiredCapabilities(spec: JobSpec): string[]
  /** Whether the work runs on a GPU (so a GPU must satisfy the VRAM/vendor/model requirements). */
  needsGpu(spec: JobSpec): boolean
  /** Work per unit relative to the reference unit of a worker's price floor. */
  workPerUnit(spec: JobSpec): WorkRatio
  /** Tasks over `workers` workers: at least one per worker where units allow, balanced. */
  split(spec: JobSpec, workers: number, options: SplitOptions): TaskPlan[]
}
