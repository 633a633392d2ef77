import assert from 'node:assert/strict'
import { randomBytes } from 'node:crypto'
import { chmod, copyFile, mkdir, mkdtemp, rm, stat } from 'node:fs/promises'
import { createServer, type Server } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { silentLogger } from '../../protocols/common/logger.js'
import { RenderExecutor } from './render-executor.js'
import { ASSETS, hostBlender } from './test-support.js'

/**
 * Each hostile kind, generated at test time by its committed script, and the way plain Blender
 * on the host runs its payload (the control run that proves the file really is hostile).
 */
const KINDS = [
  {
    name: 'auto-run text block',
    generator: 'make-autorun-text.py',
    tag: 'autorun',
    control: ['--enable-autoexec']
  },
  {
    name: 'Python driver',
    generator: 'make-python-driver.py',
    tag: 'driver',
    control: ['--enable-autoexec']
  },
  // Freestyle style modules run even with auto-exec disabled: -Y alone does not stop this one.
  { name: 'Freestyle style module', generator: 'make-freestyle-module.py', tag: 'freestyle', control: ['-Y'] }
] as const

const executor = new RenderExecutor({}, { logger: silentLogger })

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false
  )
}

describe('hostile .blend files run no Python in the RenderExecutor', () => {
  let scratch: string
  let hostDir: string
  let server: Server
  let port: number
  const received: string[] = []

  before(async () => {
    scratch = await mkdtemp(join(tmpdir(), 'rynus-hostile-'))
    await chmod(scratch, 0o755)
    hostDir = await mkdtemp(join(scratch, 'h-'))
    server = createServer((socket) => {
      let data = ''
      socket.on('data', (chunk) => {
        data += chunk.toString()
      })
      socket.on('close', () => received.push(data))
    })
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    port = (server.address() as { port: number }).port
  })
  after(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()))
    await rm(scratch, { recursive: true, force: true })
  })

  for (const kind of KINDS) {
    describe(kind.name, () => {
      let blend: string
      let markers: { host: string; hostTmp: string; inJob: string }

      before(async () => {
        markers = {
          host: join(hostDir, kind.tag),
          hostTmp: `/tmp/rynus-pwned-${randomBytes(4).toString('hex')}`,
          inJob: `/job/pwned-${kind.tag}`
        }
        blend = join(scratch, `${kind.tag}.blend`)
        await hostBlender(
          [
            '-b',
            '-Y',
            '--factory-startup',
            '--python-exit-code',
            '1',
            '--python',
            join(ASSETS, 'hostile', kind.generator),
            '--',
            blend,
            String(port),
            markers.host,
            markers.hostTmp,
            markers.inJob
          ],
          scratch
        )
      })
      after(async () => {
        await rm(markers.hostTmp, { force: true })
      })

      it('is hostile: plain Blender on the host runs its payload (control)', async () => {
        const before = received.length
        const controlDir = await mkdtemp(join(scratch, 'control-'))
        await hostBlender(
          ['-b', ...kind.control, '--factory-startup', blend, '-o', `${controlDir}/c_#`, '-f', '1'],
          controlDir
        )
        await new Promise((resolve) => setTimeout(resolve, 200))
        try {
          assert.equal(await exists(markers.host), true, 'the control run wrote the host marker')
          const connections = received.slice(before)
          assert.ok(connections.length > 0, 'the control run connected')
          assert.ok(connections.every((data) => data === kind.tag))
        } finally {
          await rm(markers.host, { force: true })
          await rm(markers.hostTmp, { force: true })
        }
      })

      it('renders in the executor with no marker written anywhere and no connection made', async () => {
        const before = received.length
        const jobDir = await mkdtemp(join(scratch, 'job-'))
        await mkdir(join(jobDir, 'out'))
        await copyFile(blend, join(jobDir, 'scene.blend'))
        const result = await executor.run({
          jobDir,
          blendFile: 'scene.blend',
          frames: [1],
          engine: 'CYCLES',
          device: 'CPU',
          samples: 1,
          resolution: { x: 32, y: 18 },
          format: 'PNG',
          timeoutMs: 60_000
        })
        await new Promise((resolve) => setTimeout(resolve, 200))
        assert.equal(result.frames.length, 1, 'the render completed')
        assert.equal(
          await exists(join(jobDir, `pwned-${kind.tag}`)),
          false,
          'no Python ran inside the sandbox'
        )
        assert.equal(await exists(markers.host), false)
        assert.equal(await exists(markers.hostTmp), false)
        assert.deepEqual(received.slice(before), [])
      })
    })
  }
})
