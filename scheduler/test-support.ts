import type { WorkerCapacity } from './capacity.js'
import type { RenderParams } from './kinds/render/types.js'
import type { Bid } from './rank/types.js'
import type { JobSpec } from './spec/types.js'

/** Real peer ids (Ed25519), for specs and bids in tests. */
export const PEERS = {
  requester: '12D3KooWQaxGb4x7F7qa3X4sB3C6avydHZ3JJqLJWCXiRrE7jwmJ',
  alice: '12D3KooWSdvMNibYbM8AqWhKswpRydfy4282dfm8SVMSQrJ7PNAh',
  bob: '12D3KooWAWgW8ipktVMW32Fd2JSgtQbD814w2He4fSBUnbn7AghC',
  carol: '12D3KooWSBmaQVyGe1fwSoVsrx73EcqU1eMwQC1K755ude8hL8VG'
} as const

/** A CIDv1 (raw, sha2-256) standing for an imported .blend. */
export const BLEND_CID = 'bafkreigh2akiscaildcqabsyg3dfr6chu3fgpregiymsck7e7aqa4s52zy'

export const NOW = Date.UTC(2025, 0, 15, 12, 0, 0)
export const ONE_TOKEN = 10n ** 18n

/** A valid 12-frame Cycles CPU render at 320×180, 32 samples; override any part. */
export function renderSpec(
  overrides: Partial<Omit<JobSpec, 'render'>> = {},
  render: Partial<RenderParams> = {}
): JobSpec {
  return {
    version: 1,
    kind: 'render',
    requester: PEERS.requester,
    createdAt: NOW,
    budget: (12n * ONE_TOKEN).toString(),
    maxPricePerUnit: ONE_TOKEN.toString(),
    deadline: NOW + 3600_000,
    requirements: { capabilities: [] },
    ...overrides,
    render: {
      input: { cid: BLEND_CID, name: 'scene.blend', size: 123_456 },
      frames: { start: 1, end: 12 },
      engine: 'CYCLES',
      device: 'CPU',
      samples: 32,
      resolution: { x: 320, y: 180 },
      format: 'PNG',
      ...render
    }
  }
}

/** A bid from `worker` at 100 base units per frame, 10 s per frame, one free slot. */
export function bid(worker: string, overrides: Partial<Bid> = {}): Bid {
  return {
    worker,
    pricePerUnit: 100n,
    etaSecondsPerUnit: 10,
    gpuModel: 'nvidia-geforce-rtx-4090',
    vramBytes: 24e9,
    freeSlots: 1,
    tier: 'global',
    receivedAt: 0,
    ...overrides
  }
}

const CPU_RENDER = ['cpu', 'render', 'render:blender-3.4:cycles-cpu', 'train']

/** A CPU-only render worker at 1e15 base units per reference frame (0.001 token), one free slot. */
export function cpuWorker(peerId: string, overrides: Partial<WorkerCapacity> = {}): WorkerCapacity {
  return {
    peerId,
    capabilities: CPU_RENDER,
    gpus: [],
    priceFloorPerUnit: 10n ** 15n,
    freeSlots: 1,
    tier: 'global',
    expiresAt: NOW + 600_000,
    ...overrides
  }
}

/** An RTX 4090 worker (24 GB, CUDA and OptiX), otherwise like cpuWorker. */
export function rtx4090Worker(peerId: string, overrides: Partial<WorkerCapacity> = {}): WorkerCapacity {
  return cpuWorker(peerId, {
    capabilities: [
      ...CPU_RENDER,
      'gpu:nvidia-geforce-rtx-4090',
      'render:blender-3.4:cycles-cuda',
      'render:blender-3.4:cycles-optix',
      'vram:>=16g',
      'vram:>=24g',
      'vram:>=8g'
    ],
    gpus: [{ vendor: 'nvidia', model: 'NVIDIA GeForce RTX 4090', vramBytes: 24e9 }],
    ...overrides
  })
}
