/** What a worker has: the inventory the GPU monitor polls, the capacity record carries and the API shows. */

export type GpuVendor = 'nvidia' | 'amd'

export interface GpuInfo {
  /** The tool's own device index (nvidia-smi `index`, rocm-smi `cardN`); unique per vendor. */
  index: number
  vendor: GpuVendor
  /** The model as the tool prints it, e.g. `NVIDIA H100 80GB HBM3`, `Instinct MI210`. */
  name: string
  uuid?: string
  /** Undefined where the tool cannot say (unified-memory parts such as GH200 print `[N/A]`). */
  vramTotalBytes?: number
  vramFreeBytes?: number
  vramUsedBytes?: number
  driver?: string
  /** NVIDIA compute capability, e.g. `9.0`. */
  computeCapability?: string
  utilizationPercent?: number
  temperatureC?: number
  powerW?: number
  powerLimitW?: number
}

/** Cycles GPU backends a Blender build was compiled with (lower case of Blender's enum names). */
export type CyclesBackend = 'cuda' | 'optix' | 'hip' | 'metal' | 'oneapi'

export interface BlenderInfo {
  /** e.g. `3.4.1` */
  version: string
  /**
   * The Cycles GPU backends this Blender build has. Undefined when Blender could not be asked;
   * distribution builds often lack some (Debian's 3.4.1 has CUDA and HIP but no OptiX).
   */
  cyclesBackends?: CyclesBackend[]
}

export interface HardwareInventory {
  gpus: GpuInfo[]
  cpu: { model: string; cores: number }
  memory: { totalBytes: number; freeBytes: number }
  disk: { freeBytes: number; path: string }
  blender?: BlenderInfo
  sandbox: { bubblewrap: boolean }
}
