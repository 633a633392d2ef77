import assert from 'node:assert/strict'
import { randomBytes } from 'node:crypto'
import { stat } from 'node:fs/promises'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { silentLogger } from '../../protocols/common/logger.js'
import { runSandboxed } from './sandbox.js'
import { LIMITS, MiB, makeScratch, newJobDir, processesWith, removeScratch, sh } from './test-support.js'

let scratch: string

describe('runSandboxed limits (real bubblewrap)', () => {
  before(async () => {
    scratch = await makeScratch()
  })
  after(() => removeScratch(scratch))

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
        jobDir: await newJobDir(scratch),
        limits: { ...LIMITS, maxProcesses: 32 }
      },
      { logger: silentLogger }
    )
    const forked = Number(result.stdoutTail.trim())
    assert.ok(forked >= 20 && forked < 32, `forked ${forked} children with a limit of 32`)
  })

  it('a fork bomb ends at its timeout and leaves no process behind', async () => {
    const token = `rynus-bomb-${randomBytes(6).toString('hex')}`
    const result = await sh(scratch, `bomb() { bomb | bomb & }; bomb; sleep 60 # ${token}`, {
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
        jobDir: await newJobDir(scratch),
        limits: { ...LIMITS, memoryBytes: 256 * MiB }
      },
      { logger: silentLogger }
    )
    assert.notEqual(result.exitCode, 0)
    assert.match(result.stderrTail, /MemoryError/)
    assert.doesNotMatch(result.stdoutTail, /allocated/)
  })

  it('a file-size hog is stopped at fileSizeBytes', async () => {
    const dir = await newJobDir(scratch)
    const result = await sh(
      scratch,
      'head -c 10485760 /dev/zero > /job/big; echo "status $?"',
      { fileSizeBytes: MiB },
      dir
    )
    assert.match(result.stdoutTail, /status [1-9]\d*/)
    assert.equal((await stat(join(dir, 'big'))).size, MiB)
  })

  it('the private /tmp is size-capped', async () => {
    const result = await sh(scratch, 'head -c 8388608 /dev/zero > /tmp/fill; echo "status $?"', {
      tmpBytes: 2 * MiB
    })
    assert.match(result.stdoutTail, /status [1-9]/)
    assert.match(result.stderrTail, /No space left on device/)
  })

  it('a CPU hog is killed at cpuSeconds', async () => {
    const result = await sh(scratch, 'while :; do :; done', { cpuSeconds: 1 })
    assert.equal(result.timedOut, false)
    assert.equal(result.exitCode, 128 + 24) // SIGXCPU inside the sandbox, reported by bwrap as 128 + N
  })

  it('a hang is killed at wallTimeoutMs with every process of the sandbox', async () => {
    const token = `rynus-hang-${randomBytes(6).toString('hex')}`
    const result = await sh(scratch, `sleep 300 & sleep 300 # ${token}`, { wallTimeoutMs: 500 })
    assert.equal(result.timedOut, true)
    assert.equal(result.exitCode, null)
    assert.equal(result.signal, 'SIGKILL')
    assert.equal(await processesWith(token), 0)
  })

  it('an abort signal kills the sandbox and reports cancelled', async () => {
    const controller = new AbortController()
    setTimeout(() => controller.abort(), 200)
    const result = await runSandboxed(
      {
        command: 'sleep',
        args: ['300'],
        jobDir: await newJobDir(scratch),
        limits: LIMITS,
        signal: controller.signal
      },
      { logger: silentLogger }
    )
    assert.equal(result.cancelled, true)
    assert.equal(result.timedOut, false)
  })
})
