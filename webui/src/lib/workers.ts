// Filtering, sorting and summing up the workers the node found in the DHT (Workers page, Explorer).
import type { SortOrder } from './peers.js'
import type { WorkerInfo } from './types.js'

export type WorkerSortKey = 'peerId' | 'gpu' | 'vram' | 'price' | 'tier' | 'freeSlots' | 'latency'

export interface WorkerFilter {
  /** Only workers that advertise the `render` capability and have Blender. */
  renderOnly: boolean
  /** Smallest total VRAM, in GiB; 0 for any (CPU-only workers included). */
  minVramGiB: number
}

export const NO_WORKER_FILTER: WorkerFilter = { renderOnly: false, minVramGiB: 0 }

const GIB = 2 ** 30

export function totalVram(worker: WorkerInfo): number {
  return worker.gpus.reduce((sum, gpu) => sum + gpu.vramBytes, 0)
}

export function canRender(worker: WorkerInfo): boolean {
  return (
    worker.blenderVersion !== '' && worker.capabilities.some((c) => c === 'render' || c.startsWith('render:'))
  )
}

/** `RTX 4090 ×2, A100` or `CPU only`. */
export function gpuLabel(worker: WorkerInfo): string {
  if (worker.gpus.length === 0) return 'CPU only'
  const counts = new Map<string, number>()
  for (const gpu of worker.gpus)
    counts.set(gpu.model || 'Unknown GPU', (counts.get(gpu.model || 'Unknown GPU') ?? 0) + 1)
  return [...counts].map(([model, n]) => (n > 1 ? `${model} ×${n}` : model)).join(', ')
}

export function filterWorkers(workers: readonly WorkerInfo[], filter: WorkerFilter): WorkerInfo[] {
  return workers.filter(
    (w) =>
      (!filter.renderOnly || canRender(w)) &&
      (filter.minVramGiB <= 0 || totalVram(w) >= filter.minVramGiB * GIB)
  )
}

function compare(a: WorkerInfo, b: WorkerInfo, key: WorkerSortKey): number {
  switch (key) {
    case 'peerId':
      return a.peerId.localeCompare(b.peerId)
    case 'gpu':
      return gpuLabel(a).localeCompare(gpuLabel(b))
    case 'vram':
      return totalVram(a) - totalVram(b)
    case 'price': {
      const pa = BigInt(a.priceFloorPerUnit)
      const pb = BigInt(b.priceFloorPerUnit)
      return pa === pb ? 0 : pa < pb ? -1 : 1
    }
    case 'tier':
      return a.tier.localeCompare(b.tier)
    case 'freeSlots':
      return a.freeSlots - b.freeSlots
    case 'latency':
      return (a.latencyMs ?? 0) - (b.latencyMs ?? 0)
  }
}

/** Stable sort with ties broken by peer id; unknown latency sorts last either way. */
export function sortWorkers(
  workers: readonly WorkerInfo[],
  key: WorkerSortKey,
  order: SortOrder
): WorkerInfo[] {
  const sign = order === 'asc' ? 1 : -1
  return [...workers].sort((a, b) => {
    if (key === 'latency' && (a.latencyMs === undefined) !== (b.latencyMs === undefined)) {
      return a.latencyMs === undefined ? 1 : -1
    }
    const primary = compare(a, b, key) * sign
    return primary !== 0 ? primary : a.peerId.localeCompare(b.peerId)
  })
}

export interface WorkersSummary {
  workers: number
  gpus: number
  vramBytes: number
  freeSlots: number
  /** GPU models, most common first. */
  models: { model: string; count: number }[]
}

export function summarizeWorkers(workers: readonly WorkerInfo[]): WorkersSummary {
  const models = new Map<string, number>()
  let gpus = 0
  let vramBytes = 0
  let freeSlots = 0
  for (const w of workers) {
    freeSlots += w.freeSlots
    for (const gpu of w.gpus) {
      gpus += 1
      vramBytes += gpu.vramBytes
      const model = gpu.model || 'Unknown GPU'
      models.set(model, (models.get(model) ?? 0) + 1)
    }
  }
  return {
    workers: workers.length,
    gpus,
    vramBytes,
    freeSlots,
    models: [...models]
      .map(([model, count]) => ({ model, count }))
      .sort((a, b) => b.count - a.count || a.model.localeCompare(b.model))
  }
}
