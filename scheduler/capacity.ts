import { missingCapabilities } from './capability.js'
import type { WorkerTier } from './rank/types.js'
import type { JobKind, JobSpec } from './spec/types.js'

export interface WorkerGpu {
  vendor: string
  /** Model as the tool prints it (`NVIDIA H100 80GB HBM3`) or as a slug; matching normalises both. */
  model: string
  /** 0 when unknown. */
  vramBytes: number
}

/**
 * What the scheduler needs from a worker's capacity record (the node maps the validated
 * protobuf `CapacityRecord` onto this; a worker uses its own).
 */
export interface WorkerCapacity {
  peerId: string
  capabilities: readonly string[]
  gpus: readonly WorkerGpu[]
  priceFloorPerUnit: bigint
  freeSlots: number
  tier: WorkerTier
  /** ms since the epoch after which the record is stale; absent for the worker's own view. */
  expiresAt?: number
}

/** Why a worker cannot take a job, by the first requirement it misses. */
export type MatchProblem =
  | { code: 'capability'; missing: string[] }
  | { code: 'no-gpu' }
  | { code: 'gpu-vendor'; vendor: string }
  | { code: 'gpu-model'; model: string }
  | { code: 'vram'; minBytes: number; largestBytes: number }

export type MatchResult = { ok: true; gpu?: WorkerGpu } | { ok: false; problem: MatchProblem }

/**
 * Whether `worker` meets the job's capabilities and GPU requirements. When the job needs a GPU
 * (by its kind, or by naming vendor, model or VRAM) one GPU must meet all three: vendor equal,
 * model matching as whole words (`H100` matches `NVIDIA H100 80GB HBM3`, `A100` does not match
 * `RTX A1000`), VRAM at least the minimum. The chosen GPU is the one with the most VRAM.
 */
export function matchRequirements(spec: JobSpec, kind: JobKind, worker: WorkerCapacity): MatchResult {
  const missing = missingCapabilities(kind.requiredCapabilities(spec), worker.capabilities)
  if (missing.length > 0) return { ok: false, problem: { code: 'capability', missing } }
  const { gpuVendor, gpuModel, minVramBytes = 0 } = spec.requirements
  const needsGpu =
    kind.needsGpu(spec) || gpuVendor !== undefined || gpuModel !== undefined || minVramBytes > 0
  if (!needsGpu) return { ok: true }
  let gpus = [...worker.gpus]
  if (gpus.length === 0) return { ok: false, problem: { code: 'no-gpu' } }
  if (gpuVendor !== undefined) {
    gpus = gpus.filter((gpu) => gpu.vendor.toLowerCase() === gpuVendor)
    if (gpus.length === 0) return { ok: false, problem: { code: 'gpu-vendor', vendor: gpuVendor } }
  }
  if (gpuModel !== undefined) {
    gpus = gpus.filter((gpu) => gpuModelMatches(gpuModel, gpu.model))
    if (gpus.length === 0) return { ok: false, problem: { code: 'gpu-model', model: gpuModel } }
  }
  const largestBytes = Math.max(...gpus.map((gpu) => gpu.vramBytes))
  if (largestBytes < minVramBytes)
    return { ok: false, problem: { code: 'vram', minBytes: minVramBytes, largestBytes } }
  return { ok: true, gpu: gpus.find((gpu) => gpu.vramBytes === largestBytes) }
}

/** `rtx 4090` matches `NVIDIA GeForce RTX 4090`: the wanted words appear in a row in the model. */
export function gpuModelMatches(wanted: string, model: string): boolean {
  const want = words(wanted)
  const have = words(model)
  if (want.length === 0) return false
  for (let start = 0; start + want.length <= have.length; start++) {
    if (want.every((word, i) => have[start + i] === word)) return true
  }
  return false
}

function words(text: string): string[] {
  return text
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter((word) => word !== '')
}

/** Whether the record is still valid at `now`. */
export function isOnline(worker: WorkerCapacity, now: number): boolean {
  return worker.expiresAt === undefined || worker.expiresAt > now
}
