import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { chmod, mkdir, mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises'
import { createServer, type Server } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { silentLogger } from '../../protocols/common/logger.js'
import { SandboxSpecError, SandboxUnavailableError } from './errors.js'
import { runSandboxed } from './sandbox.js'
import type { SandboxLimits, SandboxResult } from './types.js'

const MiB = 1024 * 1024
const LIMITS: SandboxLimits = {
  cpuSeconds: 10,
  memoryBytes: 512 * MiB,
  fileSizeBytes: 4 * MiB,
  maxProcesses: 64,
  wallTimeoutMs: 20_000
}

let scratch: string

async function jobDir(): Promise<string> {
  const dir = await mkdtemp(join(scratch, 'job-'))
  return dir
}

async function sh(script: string, limits: Partial<SandboxLimits> = {}, dir?: string): Promise<SandboxResult> {
  return runSandboxed(
    {
      command: 'sh',
      args: ['-c', script],
      jobDir: dir ?? (await jobDir()),
      limits: { ...LIMITS, ...limits }
    },
    { logger: silentLogger }
  )
}

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false
  )
}

/** Host processes whose command line carries `token` (a sandboxed process that outlived its sandbox would). */
async function processesWith(token: string): Promise<number> {
  let count = 0
  for (const pid of await readdir('/proc')) {
    if (!/^\d+$/.test(pid)) continue
    const cmdline = await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '')
    if (cmdline.includes(token)) count++
  }
  return count
}

describe('runSandboxed (real bubblewrap)', () => {
  before(async () => {
    scratch = await mkdtemp(join(tmpdir(), 'rynus-sandbox-test-'))
    await chmod(scratch, 0o755) // the sandbox may run as another uid and must reach its job folder
  })
  after(async () => {
    await rm(scratch, { recursive: true, force: true })
  })

  it('runs a command with /job as its writable working folder and a clean environment', async () => {
    const dir = await jobDir()
    process.env.RYNUS_SECRET = 'from-the-node'
    const result = await runSandboxed(
      {
        command: 'sh',
        args: ['-c', 'pwd; echo "home=$HOME secret=$RYNUS_SECRET"; echo rendered > out.txt'],
        jobDir: dir,
        limits: LIMITS,
        env: { EXTRA: '1' }
      },
      { logger: silentLogger }
    ).finally(() => delete process.env.RYNUS_SECRET)
    assert.equal(result.exitCode, 0)
    assert.match(result.stdoutTail, /^\/job\nhome=\/job secret=\n$/)
    assert.equal(await readFile(join(dir, 'out.txt'), 'utf8'), 'rendered\n')
  })

  it('streams stdout and stderr line by line', async () => {
    const out: string[] = []
    const err: string[] = []
    await runSandboxed(
      {
        command: 'sh',
        args: ['-c', 'echo one; echo two; echo oops >&2'],
        jobDir: await jobDir(),
        limits: LIMITS,
        onStdout: (l) => out.push(l),
        onStderr: (l) => err.push(l)
      },
      { logger: silentLogger }
    )
    assert.deepEqual(out, ['one', 'two'])
    assert.deepEqual(err, ['oops'])
  })

  it('cannot write anywhere on the host outside the job folder', async () => {
    const hostDir = await mkdtemp(join(scratch, 'host-'))
    const hostTmpMarker = join('/tmp', `rynus-escape-${randomBytes(6).toString('hex')}`)
    const dir = await jobDir()
    const result = await sh(
      [
        `echo x > ${hostDir}/escaped`,
        `echo x > ${hostTmpMarker}`,
        'echo x > /usr/rynus-escaped',
        'echo x > /etc/rynus-escaped',
        'echo x > /rynus-escaped',
        'echo x > /job/inside',
        'true'
      ].join('; '),
      {},
      dir
    )
    assert.equal(result.exitCode, 0)
    assert.equal(await exists(join(dir, 'inside')), true)
    assert.equal(await exists(join(hostDir, 'escaped')), false)
    assert.equal(await exists(hostTmpMarker), false)
    assert.equal(await exists('/usr/rynus-escaped'), false)
    assert.equal(await exists('/etc/rynus-escaped'), false)
    assert.equal(await exists('/rynus-escaped'), false)
    assert.match(result.stderrTail, /Read-only file system/)
  })

  describe('network', () => {
    let server: Server
    let port: number
    let connections = 0
    before(async () => {
      server = createServer((socket) => {
        connections++
        socket.destroy()
      })
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
      port = (server.address() as { port: number }).port
    })
    after(() => new Promise<void>((resolve) => server.close(() => resolve())))

    const probe = (): string =>
      `import socket\ns = socket.socket()\ns.settimeout(2)\nprint('connect', s.connect_ex(('127.0.0.1', ${port})))`

    it('a process outside the sandbox reaches the listener (control)', async () => {
      const before = connections
      await new Promise<void>((resolve) =>
        spawn('python3', ['-c', probe()], { stdio: 'ignore' }).on('close', () => resolve())
      )
      await new Promise((resolve) => setTimeout(resolve, 100))
      assert.equal(connections, before + 1)
    })

    it('a sandboxed process cannot reach a host listener on 127.0.0.1', async () => {
      const before = connections
      const result = await runSandboxed(
        { command: 'python3', args: ['-c', probe()], jobDir: await jobDir(), limits: LIMITS },
        { logger: silentLogger }
      )
      await new Promise((resolve) => setTimeout(resolve, 100))
      assert.equal(connections, before)
      assert.match(result.stdoutTail, /^connect \d+\n$/)
      assert.doesNotMatch(result.stdoutTail, /^connect 0\n/)
    })
  })

  it('caps the number of processes: forking stops at maxProcesses', async () => {
    const script = [
      'import os, time',
      'n = 0',
      'for i in range(200):',
      '    try:',
      '        pid = os.fork()',
      '    except OSError:',
      '        break',
      '    if pid == 0:',
      '        time.sleep(2)',
      '        os._exit(0)',
      '    n += 1',
      'print(n, flush=True)',
      'os._exit(0)'
    ].join('\n')
    const result = await runSandboxed(
      {
        command: 'python3',
        args: ['-c', script],
        jobDir: await jobDir(),
        limits: { ...LIMITS, maxProcesses: 32 }
      },
      { logger: silentLogger }
    )
    const forked = Number(result.stdoutTail.trim())
    assert.ok(forked >= 20 && forked < 32, `forked ${forked} children with a limit of 32`)
  })

  it('a fork bomb ends at its timeout and leaves no process behind', async () => {
    const token = `rynus-bomb-${randomBytes(6).toString('hex')}`
    const result = await sh(`bomb() { bomb | bomb & }; bomb; sleep 60 # ${token}`, {
      maxProcesses: 48,
      wallTimeoutMs: 2000
    })
    assert.ok(result.timedOut || result.exitCode !== 0)
    assert.match(result.stderrTail, /Cannot fork|Resource temporarily unavailable/)
    assert.equal(await processesWith(token), 0)
  })

  it('a memory hog fails to allocate beyond memoryBytes', async () => {
    const result = await runSandboxed(
      {
        command: 'python3',
        args: ['-c', 'x = bytearray(1024 * 1024 * 1024)\nprint("allocated")'],
        jobDir: await jobDir(),
        limits: { ...LIMITS, memoryBytes: 256 * MiB }
      },
      { logger: silentLogger }
    )
    assert.notEqual(result.exitCode, 0)
    assert.match(result.stderrTail, /MemoryError/)
    assert.doesNotMatch(result.stdoutTail, /allocated/)
  })

  it('a file-size hog is stopped at fileSizeBytes', async () => {
    const dir = await jobDir()
    const result = await sh(
      'head -c 10485760 /dev/zero > /job/big; echo "status $?"',
      { fileSizeBytes: MiB },
      dir
    )
    assert.match(result.stdoutTail, /status [1-9]\d*/)
    assert.equal((await stat(join(dir, 'big'))).size, MiB)
  })

  it('the private /tmp is size-capped', async () => {
    const result = await sh('head -c 8388608 /dev/zero > /tmp/fill; echo "status $?"', { tmpBytes: 2 * MiB })
    assert.match(result.stdoutTail, /status [1-9]/)
    assert.match(result.stderrTail, /No space left on device/)
  })

  it('a CPU hog is killed at cpuSeconds', async () => {
    const result = await sh('while :; do :; done', { cpuSeconds: 1 })
    assert.equal(result.timedOut, false)
    assert.equal(result.exitCode, 128 + 24) // SIGXCPU inside the sandbox, reported by bwrap as 128 + N
  })

  it('a hang is killed at wallTimeoutMs with every process of the sandbox', async () => {
    const token = `rynus-hang-${randomBytes(6).toString('hex')}`
    const result = await sh(`sleep 300 & sleep 300 # ${token}`, { wallTimeoutMs: 500 })
    assert.equal(result.timedOut, true)
    assert.equal(result.exitCode, null)
    assert.equal(result.signal, 'SIGKILL')
    assert.equal(await processesWith(token), 0)
  })

  it('an abort signal kills the sandbox and reports cancelled', async () => {
    const controller = new AbortController()
    setTimeout(() => controller.abort(), 200)
    const result = await runSandboxed(
      { command: 'sleep', args: ['300'], jobDir: await jobDir(), limits: LIMITS, signal: controller.signal },
      { logger: silentLogger }
    )
    assert.equal(result.cancelled, true)
    assert.equal(result.timedOut, false)
  })

  it('says to install bubblewrap when bwrap is missing', async () => {
    await assert.rejects(
      runSandboxed(
        {
          command: 'true',
          args: [],
          jobDir: await jobDir(),
          limits: LIMITS,
          bwrapPath: '/nonexistent/bwrap'
        },
        { logger: silentLogger }
      ),
      (err: unknown) =>
        err instanceof SandboxUnavailableError &&
        err.code === 'ERR_SANDBOX_UNAVAILABLE' &&
        err.message.includes('apt-get install bubblewrap')
    )
  })

  it('reports a sandbox that could not be built as unavailable, not as a job failure', async () => {
    await assert.rejects(
      runSandboxed(
        { command: 'true', args: [], jobDir: await jobDir(), limits: LIMITS, bwrapPath: '/bin/false' },
        { logger: silentLogger }
      ),
      SandboxUnavailableError
    )
  })

  it('explains a job folder the sandbox uid cannot reach', async () => {
    const closed = await mkdtemp(join(scratch, 'closed-'))
    await chmod(closed, 0o700)
    const dir = join(closed, 'job')
    await mkdir(dir)
    await assert.rejects(
      runSandboxed(
        { command: 'true', args: [], jobDir: dir, limits: LIMITS, hostUser: { uid: 65534, gid: 65534 } },
        { logger: silentLogger }
      ),
      (err: unknown) => err instanceof SandboxSpecError && err.message.includes(`chmod o+x ${closed}`)
    )
  })
})
