/** Every limit and default of the hardware inventory and GPU monitor. */

/** The query `probe.ts` runs; `parseNvidiaSmiCsv` reads rows in this column order by default. */
export const NVIDIA_QUERY_FIELDS: readonly string[] = [
  'index',
  'name',
  'uuid',
  'memory.total',
  'memory.free',
  'memory.used',
  'driver_version',
  'compute_cap',
  'utilization.gpu',
  'temperature.gpu',
  'power.draw',
  'power.limit'
]

export const NVIDIA_SMI_ARGS: readonly string[] = [
  `--query-gpu=${NVIDIA_QUERY_FIELDS.join(',')}`,
  '--format=csv,noheader,nounits'
]

export const ROCM_SMI_ARGS: readonly string[] = ['--showproductname', '--showmeminfo', 'vram', '--json']

/** Marks the line the Blender probe prints with the Cycles backends compiled into Blender. */
export const CYCLES_BACKENDS_MARKER = 'RYNUS_CYCLES_BACKENDS='

/**
 * Asks Blender (background, factory settings, no file loaded) which Cycles GPU backends it was
 * built with. It prints `Blender x.y.z` first, so one run gives the version too.
 */
export const BLENDER_PROBE_ARGS: readonly string[] = [
  '-b',
  '--factory-startup',
  '--python-expr',
  "import bpy;p=bpy.context.preferences.addons['cycles'].preferences;" +
    `print('${CYCLES_BACKENDS_MARKER}'+','.join(t[0] for t in p.get_device_types(bpy.context)))`
]

/** The sandbox check: bubblewrap can make a read-only root and a network namespace. */
export const BWRAP_CHECK_ARGS: readonly string[] = ['--ro-bind', '/', '/', '--unshare-net', 'true']

/** nvidia-smi can take seconds when persistence mode is off and the driver must wake up. */
export const GPU_TOOL_TIMEOUT_MS = 10_000
/** A cold Blender start reads a few hundred MB from disk. */
export const BLENDER_PROBE_TIMEOUT_MS = 30_000
export const BWRAP_CHECK_TIMEOUT_MS = 10_000
/** Tool output beyond this is not GPU inventory; the tool is treated as failed. */
export const TOOL_MAX_OUTPUT_BYTES = 1024 * 1024

export const DEFAULT_MONITOR_INTERVAL_MS = 5_000
/** Blender and bubblewrap change only when the operator installs something; ask again this often. */
export const SOFTWARE_REFRESH_MS = 10 * 60_000

/** VRAM capability buckets in GB of 10^9 bytes, the unit cards are sold by (an "80GB" H100 has 81559 MiB). */
export const VRAM_BUCKETS_GB: readonly number[] = [8, 16, 24, 48, 80]

/** Blender's Cycles gained HIP in 3.0. */
export const HIP_MIN_BLENDER: readonly [number, number] = [3, 0]
/** Blender's Cycles requirements: CUDA needs compute capability 3.0, OptiX 5.0 and driver 470. */
export const CUDA_MIN_COMPUTE_CAPABILITY = 3.0
export const OPTIX_MIN_COMPUTE_CAPABILITY = 5.0
export const OPTIX_MIN_DRIVER_MAJOR = 470

export const MIB = 1024 * 1024
