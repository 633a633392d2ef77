import type { CapacityRecord } from './codec.js'

/** Test support: a worker with one 24 GB NVIDIA GPU and Blender 3.4. */
export function sampleCapacity(overrides: Partial<CapacityRecord> = {}): CapacityRecord {
  return {
    gpus: [{ index: 0, vendor: 'nvidia', model: 'NVIDIA GeForce RTX 4090', vramBytes: 25_757_220_864 }],
    cpuCores: 16,
    cpuModel: 'AMD Ryzen 9 7950X 16-Core Processor',
    ramBytes: 68_719_476_736,
    diskFreeBytes: 512_000_000_000,
    capabilities: [
      'cpu',
      'gpu:nvidia-geforce-rtx-4090',
      'render',
      'render:blender-3.4:cycles-cpu',
      'render:blender-3.4:cycles-cuda',
      'train',
      'vram:>=16g',
      'vram:>=24g',
      'vram:>=8g'
    ],
    priceFloorPerUnit: 2n * 10n ** 15n,
    tier: 'global',
    region: 'eu-west',
    version: '0.1.0',
    freeSlots: 1,
    blenderVersion: '3.4.1',
    sandbox: true,
    ...overrides
  }
}
