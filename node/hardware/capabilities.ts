import {
  CUDA_MIN_COMPUTE_CAPABILITY,
  HIP_MIN_BLENDER,
  OPTIX_MIN_COMPUTE_CAPABILITY,
  OPTIX_MIN_DRIVER_MAJOR,
  VRAM_BUCKETS_GB
} from './constants.js'
import type { BlenderInfo, CyclesBackend, GpuInfo, HardwareInventory } from './types.js'

const GB = 1e9

/**
 * The discrete capability keys a worker provides in the DHT, so requesters find candidates with
 * `findProviders(key)`. Sorted and unique.
 *
 * - `cpu` and `train` on every node (training runs on tfjs, which has a CPU backend everywhere).
 * - With Blender: `render` and `render:blender-<major.minor>:<device>` for `cycles-cpu`, plus
 *   `cycles-cuda`/`cycles-optix` for a capable NVIDIA GPU and `cycles-hip` for an AMD GPU, each
 *   only when that Blender build has the backend (when it could be asked).
 * - Per GPU model `gpu:<vendor-model>`, and `vram:>=<n>g` for every bucket the largest GPU
 *   reaches (GB of 10^9 bytes). A GPU whose VRAM is unknown gives no `vram:` key.
 */
export function capabilitiesOf(inventory: HardwareInventory): string[] {
  const keys = new Set<string>(['cpu', 'train'])
  if (inventory.blender !== undefined) {
    for (const device of cyclesDevices(inventory.blender, inventory.gpus)) {
      keys.add('render')
      keys.add(`render:blender-${blenderSeries(inventory.blender.version)}:cycles-${device}`)
    }
  }
  for (const gpu of inventory.gpus) keys.add(`gpu:${normaliseGpuModel(gpu)}`)
  const largest = Math.max(0, ...inventory.gpus.map((gpu) => gpu.vramTotalBytes ?? 0))
  for (const gb of VRAM_BUCKETS_GB) {
    if (largest >= gb * GB) keys.add(`vram:>=${gb}g`)
  }
  return [...keys].sort()
}

/**
 * The key a requester looks up to find workers with at least `minBytes` of VRAM: the largest
 * bucket not above it (workers found must still be checked against their capacity records).
 * Undefined when the requirement is below the smallest bucket (any GPU will do: use `gpu:` keys).
 */
export function vramCapabilityFor(minBytes: number): string | undefined {
  const bucket = VRAM_BUCKETS_GB.filter((gb) => gb * GB <= minBytes).at(-1)
  return bucket === undefined ? undefined : `vram:>=${bucket}g`
}

/** `NVIDIA H100 80GB HBM3` → `nvidia-h100-80gb-hbm3`; `Instinct MI210` → `amd-instinct-mi210`. */
export function normaliseGpuModel(gpu: Pick<GpuInfo, 'vendor' | 'name'>): string {
  const slug = gpu.name
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
  return slug === gpu.vendor || slug.startsWith(`${gpu.vendor}-`) ? slug : `${gpu.vendor}-${slug}`
}

function cyclesDevices(blender: BlenderInfo, gpus: GpuInfo[]): string[] {
  const devices = ['cpu']
  const built = (backend: CyclesBackend): boolean =>
    blender.cyclesBackends === undefined || blender.cyclesBackends.includes(backend)
  const nvidia = gpus.filter((gpu) => gpu.vendor === 'nvidia')
  if (built('cuda') && nvidia.some((gpu) => atLeast(gpu.computeCapability, CUDA_MIN_COMPUTE_CAPABILITY))) {
    devices.push('cuda')
  }
  if (
    built('optix') &&
    nvidia.some(
      (gpu) =>
        atLeast(gpu.computeCapability, OPTIX_MIN_COMPUTE_CAPABILITY) &&
        atLeast(gpu.driver?.split('.')[0], OPTIX_MIN_DRIVER_MAJOR)
    )
  ) {
    devices.push('optix')
  }
  const [major, minor] = HIP_MIN_BLENDER
  const [bMajor, bMinor] = blender.version.split('.').map(Number)
  const hipBlender = bMajor > major || (bMajor === major && bMinor >= minor)
  if (built('hip') && hipBlender && gpus.some((gpu) => gpu.vendor === 'amd')) devices.push('hip')
  return devices
}

/** Unknown counts as enough: the tool could not say, and the job's own run is the final check. */
function atLeast(value: string | undefined, minimum: number): boolean {
  return value === undefined || Number(value) >= minimum
}

/** `3.4.1` → `3.4`: jobs name a Blender series, patch releases render alike. */
function blenderSeries(version: string): string {
  return version.split('.').slice(0, 2).join('.')
}
