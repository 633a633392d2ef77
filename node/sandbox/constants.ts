import { availableParallelism, totalmem } from 'node:os'

/** Where the job folder appears inside the sandbox; the only writable host path there. */
export const SANDBOX_JOB_DIR = '/job'

/** The uid/gid the sandboxed process sees (mapped by the user namespace, not a host uid). */
export const SANDBOX_INNER_ID = 1000

/**
 * When the node runs as root, bubblewrap is started as this host uid/gid ("nobody") instead.
 * Root (kuid 0) is exempt from RLIMIT_NPROC, so a sandbox mapped to root could fork without
 * bound; an unprivileged uid in a fresh user namespace is not.
 */
export const DEFAULT_ROOT_SANDBOX_ID = 65534

export const SANDBOX_HOSTNAME = 'rynus-job'

/** Host paths bound read-only when present: the dynamic loader cache, BLAS alternatives, fonts. */
export const READ_ONLY_ETC_PATHS: readonly string[] = [
  '/etc/ld.so.cache',
  '/etc/ld.so.conf',
  '/etc/ld.so.conf.d',
  '/etc/alternatives',
  '/etc/fonts',
  '/etc/localtime'
]

/** Top-level paths that are symlinks into /usr on merged-/usr systems, or real folders elsewhere. */
export const ROOT_LIBRARY_PATHS: readonly string[] = ['/bin', '/sbin', '/lib', '/lib32', '/lib64', '/libx32']

/** The limit tool run first inside the sandbox (util-linux, present on every Debian/Ubuntu host). */
export const PRLIMIT_PATH = '/usr/bin/prlimit'

export const DEFAULT_PATH = '/usr/local/bin:/usr/bin:/bin'

/** Private /tmp inside the sandbox is RAM-backed, so it is capped. */
export const DEFAULT_TMP_BYTES = 512 * 1024 * 1024

export const DEFAULT_FILE_SIZE_BYTES = 4 * 1024 * 1024 * 1024

/** Counts threads too; Blender starts about one render thread per core plus a few helpers. */
export function defaultMaxProcesses(): number {
  return Math.max(256, 4 * availableParallelism())
}

/** Three quarters of the machine's RAM as address-space limit. */
export function defaultMemoryBytes(): number {
  return Math.floor(totalmem() * 0.75)
}

/** How much output is kept for error messages (the last bytes of stdout and of stderr). */
export const OUTPUT_TAIL_BYTES = 64 * 1024

/** A line longer than this is cut and delivered in pieces, so a hostile process cannot grow memory. */
export const MAX_LINE_BYTES = 16 * 1024

/** After the sandbox exits, how long to wait for its output pipes to close before resolving. */
export const PIPE_DRAIN_MS = 2000
