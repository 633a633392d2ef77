import { decodeAmount, encodeAmount, MAX_AMOUNT } from '../market/amount.js'
import type { Tier } from '../market/codec.js'
import { TIERS } from '../market/constants.js'
import { checkInteger, checkOneOf, checkText, decodeWith, type Fail } from '../market/fields.js'
import {
  BLENDER_VERSION_PATTERN,
  CAPABILITY_PATTERN,
  GPU_VENDORS,
  MAX_CAPABILITIES,
  MAX_CAPACITY_BYTES,
  MAX_CPU_CORES,
  MAX_DISK_BYTES,
  MAX_FREE_SLOTS,
  MAX_GPU_INDEX,
  MAX_GPUS,
  MAX_MODEL_LENGTH,
  MAX_RAM_BYTES,
  MAX_VERSION_LENGTH,
  MAX_VRAM_BYTES,
  REGION_PATTERN
} from './constants.js'
import { CapacityRecordError } from './errors.js'
import { CapacityRecord as CapacityPb } from './pb/capacity.js'

export type GpuVendor = (typeof GPU_VENDORS)[number]

export interface CapacityGpu {
  index: number
  vendor: GpuVendor
  /** as the tool prints it, e.g. `NVIDIA H100 80GB HBM3` */
  model: string
  /** 0 when the tool cannot say */
  vramBytes: number
}

/** What a worker offers, as stored in the DHT under /rynus/capacity/<peer id>. */
export interface CapacityRecord {
  gpus: CapacityGpu[]
  cpuCores: number
  cpuModel: string
  ramBytes: number
  diskFreeBytes: number
  /** capability keys the worker also provides in the DHT */
  capabilities: string[]
  /** minimum price of one render unit (1 MP frame at 128 samples), token base units */
  priceFloorPerUnit: bigint
  /** a claim: check it against the chain's worker registry before trusting it */
  tier: Tier
  region: string
  version: string
  freeSlots: number
  /** '' when Blender is not installed */
  blenderVersion: string
  sandbox: boolean
}

const fail: Fail = (problem) => new CapacityRecordError(problem)
const GB = 1e9

/**
 * Limits and sanity checks on a capacity record: counts, sizes, formats, and claims that must
 * agree (render keys need Blender, gpu/vram keys need a GPU that large). Throws CapacityRecordError.
 */
export function validateCapacity(record: CapacityRecord): void {
  if (record.gpus.length > MAX_GPUS) throw fail(`capacity lists more than ${MAX_GPUS} GPUs`)
  for (const gpu of record.gpus) {
    checkInteger(gpu.index, 0, MAX_GPU_INDEX, 'gpu index', fail)
    checkOneOf(gpu.vendor, GPU_VENDORS, 'gpu vendor', fail)
    checkText(gpu.model, MAX_MODEL_LENGTH, 'gpu model', fail)
    if (gpu.model === '') throw fail('gpu model is empty')
    checkInteger(gpu.vramBytes, 0, MAX_VRAM_BYTES, 'gpu vramBytes', fail)
  }
  checkInteger(record.cpuCores, 1, MAX_CPU_CORES, 'cpuCores', fail)
  checkText(record.cpuModel, MAX_MODEL_LENGTH, 'cpuModel', fail)
  checkInteger(record.ramBytes, 0, MAX_RAM_BYTES, 'ramBytes', fail)
  checkInteger(record.diskFreeBytes, 0, MAX_DISK_BYTES, 'diskFreeBytes', fail)
  if (record.capabilities.length > MAX_CAPABILITIES)
    throw fail(`capacity lists more than ${MAX_CAPABILITIES} capabilities`)
  for (const key of record.capabilities) {
    if (!CAPABILITY_PATTERN.test(key)) throw fail('capacity lists a malformed capability key')
  }
  if (new Set(record.capabilities).size !== record.capabilities.length)
    throw fail('capacity lists a capability twice')
  if (record.priceFloorPerUnit < 0n || record.priceFloorPerUnit > MAX_AMOUNT)
    throw fail('priceFloorPerUnit must fit uint256')
  checkOneOf(record.tier, TIERS, 'tier', fail)
  if (!REGION_PATTERN.test(record.region)) throw fail('region must be a short lowercase word like eu-west')
  checkText(record.version, MAX_VERSION_LENGTH, 'version', fail)
  checkInteger(record.freeSlots, 0, MAX_FREE_SLOTS, 'freeSlots', fail)
  if (!BLENDER_VERSION_PATTERN.test(record.blenderVersion)) throw fail('blenderVersion must look like 3.4.1')
  checkClaims(record)
}

function checkClaims(record: CapacityRecord): void {
  const largestVram = Math.max(0, ...record.gpus.map((g) => g.vramBytes))
  for (const key of record.capabilities) {
    if (key.startsWith('render') && record.blenderVersion === '') {
      throw fail(`capability ${key} needs Blender, but the record names no Blender version`)
    }
    if (key.startsWith('gpu:') && record.gpus.length === 0)
      throw fail(`capability ${key} needs a GPU; none listed`)
    const vram = /^vram:>=(\d+)g$/.exec(key)
    if (vram !== null && Number(vram[1]) * GB > largestVram) {
      throw fail(`capability ${key} claims more VRAM than the largest GPU listed`)
    }
  }
}

export function encodeCapacity(record: CapacityRecord): Uint8Array {
  validateCapacity(record)
  const bytes = CapacityPb.encode({ ...record, priceFloorPerUnit: encodeAmount(record.priceFloorPerUnit) })
  if (bytes.byteLength > MAX_CAPACITY_BYTES) {
    throw fail(
      `capacity record of ${bytes.byteLength} bytes exceeds ${MAX_CAPACITY_BYTES}; list fewer capabilities`
    )
  }
  return bytes
}

/** Decodes a capacity payload from the network with limits on every field, then checks it. */
export function decodeCapacity(bytes: Uint8Array): CapacityRecord {
  if (bytes.byteLength > MAX_CAPACITY_BYTES) throw fail(`capacity record exceeds ${MAX_CAPACITY_BYTES} bytes`)
  const pb = decodeWith(
    () => CapacityPb.decode(bytes, { limits: { gpus: MAX_GPUS, capabilities: MAX_CAPABILITIES } }),
    'capacity record',
    fail
  )
  let priceFloorPerUnit: bigint
  try {
    priceFloorPerUnit = decodeAmount(pb.priceFloorPerUnit, 'priceFloorPerUnit')
  } catch (err) {
    throw fail((err as Error).message)
  }
  const record: CapacityRecord = {
    gpus: pb.gpus.map((g) => ({
      index: g.index,
      vendor: g.vendor as GpuVendor,
      model: g.model,
      vramBytes: g.vramBytes
    })),
    cpuCores: pb.cpuCores,
    cpuModel: pb.cpuModel,
    ramBytes: pb.ramBytes,
    diskFreeBytes: pb.diskFreeBytes,
    capabilities: pb.capabilities,
    priceFloorPerUnit,
    tier: pb.tier as Tier,
    region: pb.region,
    version: pb.version,
    freeSlots: pb.freeSlots,
    blenderVersion: pb.blenderVersion,
    sandbox: pb.sandbox
  }
  validateCapacity(record)
  return record
}
