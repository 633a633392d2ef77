/**
 * Resource limits of one sandboxed run, set with prlimit inside the sandbox as hard limits, so
 * the job cannot raise them again.
 */
export interface SandboxLimits {
  /** RLIMIT_CPU: CPU seconds of each process, all its threads together; SIGXCPU, then SIGKILL a second later. */
  cpuSeconds: number
  /** RLIMIT_AS: address space of each process in bytes. 0 = no limit (GPU drivers reserve huge ranges). */
  memoryBytes: number
  /** RLIMIT_FSIZE: largest file a process may write, in bytes; beyond it the write fails with SIGXFSZ. */
  fileSizeBytes: number
  /**
   * RLIMIT_NPROC: processes and threads of the sandbox's uid. The sandbox runs in a fresh user
   * namespace as a non-root host uid, so only the sandbox's own tasks count against it.
   */
  maxProcesses: number
  /** Hard wall-clock limit: the whole sandbox (every process in it) is SIGKILLed when it passes. */
  wallTimeoutMs: number
  /** Size of the RAM-backed private /tmp; /dev/shm gets a quarter of it. Default 512 MiB. */
  tmpBytes?: number
}

/** A read-only file made inside the sandbox from data we hold (e.g. a trusted script of ours). */
export interface SandboxFile {
  /** Absolute path inside the sandbox, outside /job (e.g. /rynus/setup.py). */
  path: string
  content: string
}

export interface SandboxSpec {
  /** Program to run inside the sandbox (an absolute path, or a name looked up on the sandbox's PATH). */
  command: string
  args: readonly string[]
  /** Host folder bound read-write at /job: the only writable host path in the sandbox. */
  jobDir: string
  limits: SandboxLimits
  /** Extra environment on top of HOME=/job, PATH, TMPDIR=/tmp, LANG=C.UTF-8; nothing else is inherited. */
  env?: Readonly<Record<string, string>>
  /** Read-only files created inside the sandbox; passed through pipes, so no host path is exposed. */
  files?: readonly SandboxFile[]
  /** Device nodes passed through for GPU jobs (e.g. /dev/nvidia0, /dev/nvidiactl, /dev/dri); also binds /sys read-only. */
  devices?: readonly string[]
  /** Working directory inside the sandbox; default /job. */
  cwd?: string
}

/** What a top-level path like /lib is on this host. */
export type RootEntry = { kind: 'symlink'; target: string } | { kind: 'dir' }

/** The parts of the host file system the bwrap command line depends on, read once. */
export interface HostLayout {
  /** /bin, /lib64, … that exist on the host. */
  rootEntries: ReadonlyMap<string, RootEntry>
  /** The /etc paths from READ_ONLY_ETC_PATHS that exist on the host. */
  etcPaths: readonly string[]
}

export interface SandboxResult {
  /** The sandboxed command's exit code (128 + N when it died of signal N inside the sandbox); null when we killed the sandbox. */
  exitCode: number | null
  /** The signal that ended bwrap itself (SIGKILL after a timeout or cancel), else null. */
  signal: NodeJS.Signals | null
  timedOut: boolean
  cancelled: boolean
  durationMs: number
  /** The last bytes of each stream, for error messages. */
  stdoutTail: string
  stderrTail: string
}
