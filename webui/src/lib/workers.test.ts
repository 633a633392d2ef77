import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import type { WorkerInfo } from './types.js'
import { filterWorkers, gpuLabel, NO_WORKER_FILTER, sortWorkers, summarizeWorkers } from './workers.js'

const GIB = 2 ** 30
const worker = (peerId: string, extra: Partial<WorkerInfo> = {}): WorkerInfo => ({
  peerId,
  gpus: [],
  cpuCores: 8,
  cpuModel: 'EPYC',
  ramBytes: 32 * GIB,
  diskFreeBytes: 100 * GIB,
  capabilities: ['cpu', 'render', 'render:blender-3.4:cycles-cpu'],
  priceFloorPerUnit: '1000000000000000',
  tier: 'global',
  region: '',
  version: '0.1.0',
  freeSlots: 1,
  blenderVersion: '3.4.1',
  sandbox: true,
  expiresAt: 0,
  ...extra
})
const gpu = (model: string, gib: number, index = 0) => ({
  index,
  vendor: 'nvidia',
  model,
  vramBytes: gib * GIB
})

const WORKERS = [
  worker('A-cpu', { latencyMs: 3 }),
  worker('B-4090', {
    gpus: [gpu('RTX 4090', 24), gpu('RTX 4090', 24, 1)],
    priceFloorPerUnit: '5000000000000000'
  }),
  worker('C-3060', {
    gpus: [gpu('RTX 3060', 12)],
    latencyMs: 40,
    blenderVersion: '',
    capabilities: ['train'],
    priceFloorPerUnit: '200000000000000'
  })
]
const ids = (list: WorkerInfo[]): string[] => list.map((w) => w.peerId)

describe('workers', () => {
  it('names GPUs by model with a count, or CPU only', () => {
    assert.equal(gpuLabel(WORKERS[1]!), 'RTX 4090 ×2')
    assert.equal(gpuLabel(WORKERS[0]!), 'CPU only')
  })

  it('filters render-capable workers and by total VRAM', () => {
    assert.deepEqual(ids(filterWorkers(WORKERS, NO_WORKER_FILTER)), ['A-cpu', 'B-4090', 'C-3060'])
    assert.deepEqual(ids(filterWorkers(WORKERS, { renderOnly: true, minVramGiB: 0 })), ['A-cpu', 'B-4090'])
    assert.deepEqual(ids(filterWorkers(WORKERS, { renderOnly: false, minVramGiB: 16 })), ['B-4090'])
    assert.deepEqual(ids(filterWorkers(WORKERS, { renderOnly: false, minVramGiB: 12 })), ['B-4090', 'C-3060'])
  })

  it('sorts by price as exact amounts, by VRAM, and latency with unknown last', () => {
    assert.deepEqual(ids(sortWorkers(WORKERS, 'price', 'asc')), ['C-3060', 'A-cpu', 'B-4090'])
    assert.deepEqual(ids(sortWorkers(WORKERS, 'vram', 'desc')), ['B-4090', 'C-3060', 'A-cpu'])
    assert.deepEqual(ids(sortWorkers(WORKERS, 'latency', 'desc')), ['C-3060', 'A-cpu', 'B-4090'])
  })

  it('sums GPUs and VRAM over the network', () => {
    const summary = summarizeWorkers(WORKERS)
    assert.equal(summary.workers, 3)
    assert.equal(summary.gpus, 3)
    assert.equal(summary.vramBytes, 60 * GIB)
    assert.deepEqual(summary.models, [
      { model: 'RTX 4090', count: 2 },
      { model: 'RTX 3060', count: 1 }
    ])
  })
})
