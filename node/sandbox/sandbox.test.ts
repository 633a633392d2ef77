import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { chmod, mkdir, mkdtemp, readFile } from 'node:fs/promises'
import { createServer, type Server } from 'node:net'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { silentLogger } from '../../protocols/common/logger.js'
import { SandboxSpecError, SandboxUnavailableError } from './errors.js'
import { runSandboxed } from './sandbox.js'
import { exists, LIMITS, makeScratch, newJobDir, removeScratch, sh } from './test-support.js'

let scratch: string

describe('runSandboxed isolation (real bubblewrap)', () => {
  before(async () => {
    scratch = await makeScratch()
  })
  after(() => removeScratch(scratch))

  it('runs a command with /job as its writable working folder and a clean environment', async () => {
    const dir = await newJobDir(scratch)
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
        jobDir: await newJobDir(scratch),
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
    const dir = await newJobDir(scratch)
    const result = await sh(
      scratch,
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
        { command: 'python3', args: ['-c', probe()], jobDir: await newJobDir(scratch), limits: LIMITS },
        { logger: silentLogger }
      )
      await new Promise((resolve) => setTimeout(resolve, 100))
      assert.equal(connections, before)
      assert.match(result.stdoutTail, /^connect \d+\n$/)
      assert.doesNotMatch(result.stdoutTail, /^connect 0\n/)
    })
  })

  it('says to install bubblewrap when bwrap is missing', async () => {
    await assert.rejects(
      runSandboxed(
        {
          command: 'true',
          args: [],
          jobDir: await newJobDir(scratch),
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
        {
          command: 'true',
          args: [],
          jobDir: await newJobDir(scratch),
          limits: LIMITS,
          bwrapPath: '/bin/false'
        },
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
