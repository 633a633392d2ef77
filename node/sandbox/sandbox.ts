/**
 * The job sandbox: bubblewrap (no setuid, user namespaces) plus prlimit.
 *
 * - Namespaces: all unshared (user, pid, net, ipc, uts, cgroup, mount); the net namespace has
 *   only its own loopback, so nothing on the host or beyond is reachable. No capabilities, no
 *   nested user namespaces, new session (no TIOCSTI), killed when the node dies.
 * - Files: /usr (and the /lib, /bin links into it) and a few /etc files read-only; fresh /proc and
 *   a minimal /dev; a size-capped tmpfs at /tmp and /dev/shm; the job folder at /job is the only
 *   writable host path; the root and /dev are remounted read-only. Environment cleared.
 * - Limits: prlimit inside the sandbox sets RLIMIT_CPU, RLIMIT_AS, RLIMIT_FSIZE, RLIMIT_NPROC
 *   and no core dumps, hard, before the job's command starts. RLIMIT_NPROC counts per user per
 *   user namespace (Linux 5.14+), so in the sandbox's fresh namespace only its own tasks count.
 *   Root is exempt from RLIMIT_NPROC, so when the node runs as root bwrap is started as uid 65534
 *   (the job folder is handed to that uid); otherwise it runs as the node's own user.
 * - Time: a wall timeout SIGKILLs bwrap's process group; the sandbox's pid namespace dies with
 *   its init, so every process the job started goes with it.
 * - Not limited: the number of files in /job (disk space), which needs a quota or a size-limited
 *   file system for the job folders.
 */
import { spawn } from 'node:child_process'
import { existsSync } from 'node:fs'
import { mkdtemp, rm, stat } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import type { Logger } from '../../protocols/common/logger.js'
import { buildBwrapArgs, FIRST_FILE_FD, readHostLayout, STATUS_FD } from './bwrap-args.js'
import { DEFAULT_ROOT_SANDBOX_ID, PIPE_DRAIN_MS, PRLIMIT_PATH } from './constants.js'
import { SandboxSpecError, SandboxUnavailableError } from './errors.js'
import { assertReachable, type HostUser, handOverJobDir } from './job-dir-owner.js'
import { OutputLines } from './output-lines.js'
import type { SandboxResult, SandboxSpec } from './types.js'

export interface SandboxRunOptions extends SandboxSpec {
  signal?: AbortSignal
  /** Each stdout line of the sandboxed command, as it arrives. */
  onStdout?: (line: string) => void
  /** Each stderr line (bwrap's own complaints included). */
  onStderr?: (line: string) => void
  /** The bwrap program; default `bwrap` from PATH. */
  bwrapPath?: string
  /**
   * Host uid/gid bwrap runs as. Default: 65534 when the node runs as root (root is exempt from
   * the process limit), otherwise the node's own user. null forces the node's own user.
   */
  hostUser?: HostUser | null
}

export interface SandboxComponents {
  logger: Logger
}

const STATUS_MAX_CHARS = 4096

function defaultHostUser(): HostUser | null {
  return process.getuid?.() === 0 ? { uid: DEFAULT_ROOT_SANDBOX_ID, gid: DEFAULT_ROOT_SANDBOX_ID } : null
}

function bwrapComplaint(stderrTail: string): string {
  const line = stderrTail.split('\n').find((l) => l.startsWith('bwrap:'))
  return line ?? (stderrTail.trim().split('\n').pop() || 'bwrap exited before starting the command')
}

async function checkJobDir(jobDir: string): Promise<void> {
  const info = await stat(jobDir).catch(() => undefined)
  if (info === undefined || !info.isDirectory()) {
    throw new SandboxSpecError(
      `job folder ${jobDir} does not exist or is not a folder; create it before running the job`
    )
  }
}

function killGroup(pid: number | undefined): void {
  if (pid === undefined) return
  try {
    process.kill(-pid, 'SIGKILL')
  } catch {
    // already gone
  }
}

/**
 * Runs one command inside a bubblewrap sandbox with hard limits and resolves when every process
 * of the sandbox is gone. Rejects only when the sandbox itself cannot be built
 * (SandboxUnavailableError) or the spec is unsafe (SandboxSpecError); the command failing,
 * timing out or being cancelled is reported in the result.
 */
export async function runSandboxed(
  opts: SandboxRunOptions,
  { logger }: SandboxComponents
): Promise<SandboxResult> {
  const jobDir = resolve(opts.jobDir)
  const args = buildBwrapArgs({ ...opts, jobDir }, readHostLayout())
  await checkJobDir(jobDir)
  if (!existsSync(PRLIMIT_PATH)) throw new SandboxUnavailableError(`${PRLIMIT_PATH} (util-linux) is missing`)
  const hostUser = opts.hostUser === undefined ? defaultHostUser() : opts.hostUser
  if (hostUser !== null) {
    await assertReachable(jobDir, hostUser)
    await handOverJobDir(jobDir, hostUser)
  }
  const bwrap = opts.bwrapPath ?? 'bwrap'
  logger.debug('sandbox start', { command: opts.command, jobDir, limits: opts.limits, hostUser })

  return new Promise<SandboxResult>((resolvePromise, rejectPromise) => {
    const started = Date.now()
    const stdout = new OutputLines(opts.onStdout)
    const stderr = new OutputLines(opts.onStderr)
    let status = ''
    let timedOut = false
    let cancelled = false
    let settled = false
    let exit: { code: number | null; signal: NodeJS.Signals | null } | undefined
    let drainTimer: NodeJS.Timeout | undefined

    const files = opts.files ?? []
    const child = spawn(bwrap, args, {
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe', 'pipe', ...files.map(() => 'pipe' as const)],
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin' },
      ...(hostUser === null ? {} : { uid: hostUser.uid, gid: hostUser.gid })
    })
    const kill = (): void => killGroup(child.pid)
    const wallTimer = setTimeout(() => {
      timedOut = true
      logger.info('sandbox wall timeout, killing', {
        command: opts.command,
        wallTimeoutMs: opts.limits.wallTimeoutMs
      })
      kill()
    }, opts.limits.wallTimeoutMs)
    const onAbort = (): void => {
      cancelled = true
      kill()
    }
    opts.signal?.addEventListener('abort', onAbort, { once: true })
    if (opts.signal?.aborted) onAbort()

    const cleanup = (): void => {
      clearTimeout(wallTimer)
      clearTimeout(drainTimer)
      opts.signal?.removeEventListener('abort', onAbort)
    }
    const fail = (err: Error): void => {
      if (settled) return
      settled = true
      cleanup()
      kill()
      rejectPromise(err)
    }
    const finish = (): void => {
      if (settled || exit === undefined) return
      settled = true
      cleanup()
      stdout.end()
      stderr.end()
      const killedByUs = timedOut || cancelled
      if (!killedByUs && !status.includes('"exit-code"')) {
        rejectPromise(
          new SandboxUnavailableError(
            `bubblewrap could not build the sandbox (${bwrapComplaint(stderr.tail())})`
          )
        )
        return
      }
      const result: SandboxResult = {
        exitCode: killedByUs && exit.code === null ? null : exit.code,
        signal: exit.signal,
        timedOut,
        cancelled,
        durationMs: Date.now() - started,
        stdoutTail: stdout.tail(),
        stderrTail: stderr.tail()
      }
      logger.debug('sandbox end', {
        command: opts.command,
        ...result,
        stdoutTail: undefined,
        stderrTail: undefined
      })
      resolvePromise(result)
    }

    child.stdout?.on('data', (chunk: Buffer) => stdout.push(chunk))
    child.stderr?.on('data', (chunk: Buffer) => stderr.push(chunk))
    const statusStream = child.stdio[STATUS_FD] as NodeJS.ReadableStream | null
    statusStream?.on('data', (chunk: Buffer) => {
      if (status.length < STATUS_MAX_CHARS) status += chunk.toString('utf8')
    })
    files.forEach((file, index) => {
      const pipe = child.stdio[FIRST_FILE_FD + index] as NodeJS.WritableStream | null
      pipe?.on('error', () => {}) // bwrap gone before reading: its exit is reported below
      pipe?.end(file.content)
    })
    child.on('error', (err: NodeJS.ErrnoException) => {
      const detail =
        err.code === 'ENOENT'
          ? `${bwrap} was not found`
          : `${bwrap} could not be started (${err.code ?? err.message})`
      fail(new SandboxUnavailableError(detail, { cause: err }))
    })
    child.on('exit', (code, signal) => {
      exit = { code, signal }
      // The sandbox's pid namespace died with bwrap; give the pipes a moment to deliver the rest.
      drainTimer = setTimeout(finish, PIPE_DRAIN_MS)
    })
    child.on('close', finish)
  })
}

/**
 * Proves that a sandbox can be built here by running `true` in one; throws
 * SandboxUnavailableError with the reason otherwise.
 */
export async function assertSandboxAvailable(
  opts: { bwrapPath?: string; hostUser?: HostUser | null },
  components: SandboxComponents
): Promise<void> {
  const jobDir = await mkdtemp(join(tmpdir(), 'rynus-sandbox-check-'))
  try {
    const result = await runSandboxed(
      {
        ...opts,
        command: 'true',
        args: [],
        jobDir,
        limits: {
          cpuSeconds: 5,
          memoryBytes: 0,
          fileSizeBytes: 1024 * 1024,
          maxProcesses: 16,
          wallTimeoutMs: 10_000
        }
      },
      components
    )
    if (result.exitCode !== 0) {
      throw new SandboxUnavailableError(
        `a trivial sandboxed command failed (${result.stderrTail.trim() || 'no output'})`
      )
    }
  } finally {
    await rm(jobDir, { recursive: true, force: true })
  }
}
