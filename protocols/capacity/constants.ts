/** DHT record kind: the record lives at /rynus/capacity/<peer id>. */
export const CAPACITY_KIND = 'capacity'
/** Lifetime of a capacity record; the publisher refreshes it at half of this. */
export const CAPACITY_TTL_MS = 20 * 60_000
/** Retry delay after a failed publish (no DHT peers yet). */
export const CAPACITY_RETRY_MS = 5_000

/** Largest capacity payload (the signed record around it is capped at 16 KiB). */
export const MAX_CAPACITY_BYTES = 8 * 1024
export const MAX_GPUS = 16
export const MAX_CAPABILITIES = 64
/** Capability keys: `render`, `gpu:nvidia-h100-80gb-hbm3`, `vram:>=24g`, `render:blender-3.4:cycles-cpu`. */
export const CAPABILITY_PATTERN = /^[a-z0-9][a-z0-9:.>=_+-]{0,63}$/
export const GPU_VENDORS = ['nvidia', 'amd'] as const

export const MAX_GPU_INDEX = 255
export const MAX_CPU_CORES = 4096
export const MAX_MODEL_LENGTH = 128
export const MAX_VRAM_BYTES = 4 * 1024 ** 4
export const MAX_RAM_BYTES = 64 * 1024 ** 4
export const MAX_DISK_BYTES = 2 ** 52
export const MAX_FREE_SLOTS = 1024
export const REGION_PATTERN = /^([a-z0-9][a-z0-9-]{0,31})?$/
export const MAX_VERSION_LENGTH = 64
export const BLENDER_VERSION_PATTERN = /^(\d{1,3}\.\d{1,3}(\.\d{1,3})?)?$/

/** Capability keys are provided in the DHT as the CID (raw, sha2-256) of this prefix + key. */
export const CAPABILITY_KEY_PREFIX = '/rynus/capability/'
/** How long one provide or findProviders may run. */
export const PROVIDE_TIMEOUT_MS = 30_000
export const FIND_PROVIDERS_TIMEOUT_MS = 15_000
/** Most providers returned by one lookup. */
export const MAX_PROVIDERS = 100
