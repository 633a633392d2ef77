/** Limits a job spec must respect. Each is enforced by `validateJobSpec` with a field error. */
export const JOB_SPEC_VERSION = 1
/** Largest token amount (uint256), for budget and prices. */
export const MAX_TOKEN_AMOUNT = 2n ** 256n - 1n
/** How far in the future `createdAt` may be (clock skew between requester and validator). */
export const MAX_CREATED_AT_SKEW_MS = 5 * 60_000
/** Longest a job may run: its deadline at most this far from now. */
export const MAX_DEADLINE_MS = 90 * 24 * 3600_000
export const MAX_CAPABILITIES = 32
/**
 * A capability key: lowercase words joined by `:`, `*` and `>=` as documented in capability.ts.
 * The offers protocol's pattern plus `*` (offers carry only concrete keys; see providerKeys).
 */
export const CAPABILITY_PATTERN = /^[a-z0-9*][a-z0-9.:*>=_+-]{0,63}$/
export const MAX_VRAM_BYTES = 2 ** 50
/** A GPU model as lowercase words joined by `-` (`rtx-4090`, `h100-80gb`), as offers carry it. */
export const GPU_MODEL_PATTERN = /^[a-z0-9][a-z0-9-]{0,63}$/
export const GPU_VENDORS = ['nvidia', 'amd'] as const

/** Render limits. */
export const MAX_FRAMES = 10_000
/** Blender's largest frame number (MAXFRAME). */
export const MAX_FRAME_NUMBER = 1_048_574
export const MIN_RESOLUTION = 16
export const MAX_RESOLUTION = 16_384
export const MAX_SAMPLES = 65_536
export const MAX_INPUT_BYTES = 16 * 2 ** 30
export const MAX_INPUT_NAME_LENGTH = 200
