import { existsSync, lstatSync, readlinkSync } from 'node:fs'
import { isAbsolute, normalize } from 'node:path'
import {
  DEFAULT_PATH,
  DEFAULT_TMP_BYTES,
  PRLIMIT_PATH,
  READ_ONLY_ETC_PATHS,
  ROOT_LIBRARY_PATHS,
  SANDBOX_HOSTNAME,
  SANDBOX_INNER_ID,
  SANDBOX_JOB_DIR
} from './constants.js'
import { SandboxSpecError } from './errors.js'
import type { HostLayout, RootEntry, SandboxLimits, SandboxSpec } from './types.js'

/** The fd bwrap reports its status on ({"child-pid"} at start, {"exit-code"} when the command ran). */
export const STATUS_FD = 3

/** The first fd of the pipes carrying SandboxSpec.files (one per file, in order). */
export const FIRST_FILE_FD = 4

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/

/** Reads which top-level library paths and /etc files exist on this host. */
export function readHostLayout(): HostLayout {
  const rootEntries = new Map<string, RootEntry>()
  for (const path of ROOT_LIBRARY_PATHS) {
    try {
      const stat = lstatSync(path)
      if (stat.isSymbolicLink()) rootEntries.set(path, { kind: 'symlink', target: readlinkSync(path) })
      else if (stat.isDirectory()) rootEntries.set(path, { kind: 'dir' })
    } catch {
      // absent on this host: nothing to mirror
    }
  }
  return { rootEntries, etcPaths: READ_ONLY_ETC_PATHS.filter((path) => existsSync(path)) }
}

function checkLimit(name: keyof SandboxLimits, value: number | undefined, allowZero: boolean): void {
  if (value === undefined && name === 'tmpBytes') return
  if (value === undefined || !Number.isSafeInteger(value) || value < 0 || (!allowZero && value === 0)) {
    throw new SandboxSpecError(
      `sandbox limit ${name} must be a ${allowZero ? 'non-negative' : 'positive'} integer, got ${value}`
    )
  }
}

/** Throws SandboxSpecError for a limit that is missing, fractional or out of range. */
export function checkLimits(limits: SandboxLimits): void {
  checkLimit('cpuSeconds', limits.cpuSeconds, false)
  checkLimit('memoryBytes', limits.memoryBytes, true)
  checkLimit('fileSizeBytes', limits.fileSizeBytes, false)
  checkLimit('maxProcesses', limits.maxProcesses, false)
  checkLimit('wallTimeoutMs', limits.wallTimeoutMs, false)
  checkLimit('tmpBytes', limits.tmpBytes, false)
}

/**
 * prlimit arguments that set every limit hard (soft = hard) and forbid core dumps. CPU time is
 * the exception: the soft limit sends SIGXCPU (a recognisable death, exit 152 through bwrap)
 * and the hard limit one second later SIGKILLs a process that catches it.
 */
export function prlimitArgs(limits: SandboxLimits): string[] {
  const hard = (value: number): string => `${value}:${value}`
  const args = [
    `--cpu=${limits.cpuSeconds}:${limits.cpuSeconds + 1}`,
    `--fsize=${hard(limits.fileSizeBytes)}`,
    `--nproc=${hard(limits.maxProcesses)}`,
    `--core=${hard(0)}`
  ]
  if (limits.memoryBytes > 0) args.push(`--as=${hard(limits.memoryBytes)}`)
  return args
}

function sandboxPath(path: string, what: string): string {
  if (!isAbsolute(path) || normalize(path) !== path || path === '/') {
    throw new SandboxSpecError(
      `${what} must be a normalized absolute path other than /, got ${JSON.stringify(path)}`
    )
  }
  return path
}

function envArgs(env: Readonly<Record<string, string>> | undefined): string[] {
  const merged: Record<string, string> = {
    HOME: SANDBOX_JOB_DIR,
    PATH: DEFAULT_PATH,
    TMPDIR: '/tmp',
    LANG: 'C.UTF-8',
    ...env
  }
  const args = ['--clearenv']
  for (const [name, value] of Object.entries(merged)) {
    if (!ENV_NAME.test(name))
      throw new SandboxSpecError(`sandbox environment variable name ${JSON.stringify(name)} is invalid`)
    args.push('--setenv', name, value)
  }
  return args
}

function fileSystemArgs(spec: SandboxSpec, layout: HostLayout): string[] {
  const tmpBytes = spec.limits.tmpBytes ?? DEFAULT_TMP_BYTES
  const args = ['--ro-bind', '/usr', '/usr']
  for (const [path, entry] of layout.rootEntries) {
    if (entry.kind === 'symlink') args.push('--symlink', entry.target, path)
    else args.push('--ro-bind', path, path)
  }
  for (const path of layout.etcPaths) args.push('--ro-bind', path, path)
  args.push('--symlink', '../proc/self/mounts', '/etc/mtab')
  args.push('--proc', '/proc', '--dev', '/dev')
  for (const device of spec.devices ?? []) {
    const path = sandboxPath(device, 'device')
    if (!path.startsWith('/dev/')) throw new SandboxSpecError(`device ${path} is not under /dev`)
    args.push('--dev-bind-try', path, path)
  }
  if ((spec.devices ?? []).length > 0) args.push('--ro-bind-try', '/sys', '/sys')
  args.push('--size', String(Math.max(1, Math.floor(tmpBytes / 4))), '--tmpfs', '/dev/shm')
  args.push('--size', String(tmpBytes), '--tmpfs', '/tmp')
  args.push('--bind', sandboxPath(spec.jobDir, 'jobDir'), SANDBOX_JOB_DIR)
  const files = spec.files ?? []
  for (let index = 0; index < files.length; index++) {
    const path = sandboxPath(files[index]!.path, 'sandbox file')
    if (path === SANDBOX_JOB_DIR || path.startsWith(`${SANDBOX_JOB_DIR}/`)) {
      throw new SandboxSpecError(`sandbox file ${path} must be outside ${SANDBOX_JOB_DIR}`)
    }
    args.push('--ro-bind-data', String(FIRST_FILE_FD + index), path)
  }
  // Everything not mounted above (the root and /dev tmpfs) becomes read-only, so the only
  // writable places are /job, the size-capped /tmp and /dev/shm.
  args.push('--remount-ro', '/dev', '--remount-ro', '/')
  return args
}

/**
 * The full bwrap command line (without the bwrap program itself) for one run: every namespace
 * unshared (no network), no capabilities, no nested user namespaces, a read-only /usr, the job
 * folder at /job as the only writable host path, a clean environment, and prlimit setting the
 * limits before the command starts.
 */
export function buildBwrapArgs(spec: SandboxSpec, layout: HostLayout): string[] {
  checkLimits(spec.limits)
  if (spec.command.length === 0) throw new SandboxSpecError('sandbox command is empty')
  return [
    '--unshare-all',
    '--unshare-user',
    '--uid',
    String(SANDBOX_INNER_ID),
    '--gid',
    String(SANDBOX_INNER_ID),
    '--disable-userns',
    '--cap-drop',
    'ALL',
    '--hostname',
    SANDBOX_HOSTNAME,
    '--die-with-parent',
    '--new-session',
    '--json-status-fd',
    String(STATUS_FD),
    ...fileSystemArgs(spec, layout),
    '--chdir',
    sandboxPath(spec.cwd ?? SANDBOX_JOB_DIR, 'cwd'),
    ...envArgs(spec.env),
    '--',
    PRLIMIT_PATH,
    ...prlimitArgs(spec.limits),
    '--',
    spec.command,
    ...spec.args
  ]
}
