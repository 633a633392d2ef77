import { chmod, mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { silentLogger } from '../../protocols/common/logger.js'
import { runSandboxed } from './sandbox.js'
import type { SandboxLimits, SandboxResult } from './types.js'

export const MiB = 1024 * 1024

/** Generous limits; each test tightens the one it exercises. */
export const LIMITS: SandboxLimits = {
  cpuSeconds: 10,
  memoryBytes: 512 * MiB,
  fileSizeBytes: 4 * MiB,
  maxProcesses: 64,
  wallTimeoutMs: 20_000
}

/** A scratch folder the sandbox uid can traverse (it may run as another uid than the test). */
export async function makeScratch(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'rynus-sandbox-test-'))
  await chmod(dir, 0o755)
  return dir
}

export async function removeScratch(dir: string): Promise<void> {
  await rm(dir, { recursive: true, force: true })
}

export async function newJobDir(scratch: string): Promise<string> {
  return mkdtemp(join(scratch, 'job-'))
}

/** Runs a shell script in a fresh sandbox. */
export async function sh(
  scratch: string,
  script: string,
  limits: Partial<SandboxLimits> = {},
  dir?: string
): Promise<SandboxResult> {
  return runSandboxed(
    {
      command: 'sh',
      args: ['-c', script],
      jobDir: dir ?? (await newJobDir(scratch)),
      limits: { ...LIMITS, ...limits }
    },
    { logger: silentLogger }
  )
}

export async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false
  )
}

/** Host processes whose command line carries `token` (a sandboxed process that outlived its sandbox would). */
export async function processesWith(token: string): Promise<number> {
  let count = 0
  for (const pid of await readdir('/proc')) {
    if (!/^\d+$/.test(pid)) continue
    const cmdline = await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '')
    if (cmdline.includes(token)) count++
  }
  return count
}
