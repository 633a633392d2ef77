import assert from 'node:assert/strict'
import { randomBytes } from 'node:crypto'
import { chmod, copyFile, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { silentLogger } from '../../protocols/common/logger.js'
import type { RenderProgress } from './blender-progress.js'
import {
  BlenderUnavailableError,
  RenderCancelledError,
  RenderFailedError,
  RenderTaskError,
  RenderTimeoutError
} from './errors.js'
import { RenderExecutor } from './render-executor.js'
import type { RenderTask } from './render-task.js'
import { pngSize, processesWith, SAMPLE_SCENE } from './test-support.js'

let scratch: string
const executor = new RenderExecutor({}, { logger: silentLogger })

async function jobWith(blend: Buffer | string, name = 'scene.blend'): Promise<string> {
  const dir = await mkdtemp(join(scratch, 'job-'))
  if (typeof blend === 'string') await copyFile(blend, join(dir, name))
  else await writeFile(join(dir, name), blend)
  return dir
}

function task(jobDir: string, overrides: Partial<RenderTask> = {}): RenderTask {
  return {
    jobDir,
    blendFile: 'scene.blend',
    frames: [1],
    engine: 'CYCLES',
    device: 'CPU',
    samples: 1,
    resolution: { x: 32, y: 18 },
    format: 'PNG',
    timeoutMs: 60_000,
    ...overrides
  }
}

describe('RenderExecutor (real Blender in the sandbox)', () => {
  before(async () => {
    scratch = await mkdtemp(join(tmpdir(), 'rynus-render-test-'))
    await chmod(scratch, 0o755) // the sandbox may run as another uid and must reach its job folders
  })
  after(async () => {
    await rm(scratch, { recursive: true, force: true })
  })

  it('renders frames 1-3 of the sample scene at the requested size, with progress for each frame', async () => {
    const jobDir = await jobWith(SAMPLE_SCENE)
    const events: RenderProgress[] = []
    const result = await executor.run(
      task(jobDir, { frames: { start: 1, end: 3 }, samples: 4, resolution: { x: 64, y: 36 } }),
      { onProgress: (p) => events.push(p) }
    )
    assert.deepEqual(
      result.frames.map((f) => [f.frame, f.path]),
      [1, 2, 3].map((n) => [n, join(jobDir, 'out', `frame_000${n}.png`)])
    )
    for (const { path } of result.frames) assert.deepEqual(await pngSize(path), { width: 64, height: 36 })
    for (const frame of [1, 2, 3]) {
      assert.ok(
        events.some((e) => e.frame === frame && e.sample > 0 && e.samples === 4 && e.savedPath === undefined),
        `sample progress for frame ${frame}`
      )
      assert.ok(events.some((e) => e.frame === frame && e.savedPath !== undefined))
    }
    assert.deepEqual(events.at(-1), {
      frame: 3,
      sample: 4,
      samples: 4,
      framesDone: 3,
      framesTotal: 3,
      savedPath: join(jobDir, 'out', 'frame_0003.png')
    })
  })

  it('renders a frame list in the requested format', async () => {
    const jobDir = await jobWith(SAMPLE_SCENE)
    const result = await executor.run(task(jobDir, { frames: [7, 5], format: 'JPEG' }))
    assert.deepEqual(
      result.frames.map((f) => f.frame),
      [5, 7]
    )
    const jpeg = await readFile(result.frames[0]!.path)
    assert.equal(jpeg.readUInt16BE(0), 0xffd8)
  })

  it("fails a truncated .blend with Blender's error, and keeps working afterwards", async () => {
    const truncated = (await readFile(SAMPLE_SCENE)).subarray(0, 3000)
    await assert.rejects(executor.run(task(await jobWith(truncated))), (err: unknown) => {
      assert.ok(err instanceof RenderFailedError)
      assert.equal(err.code, 'ERR_RENDER_FAILED')
      assert.match(err.blenderErrors[0] ?? '', /Failed to read blend file '\/job\/scene\.blend'/)
      assert.match(err.message, /Failed to read blend file/)
      return true
    })
    const garbage = randomBytes(4096)
    await assert.rejects(executor.run(task(await jobWith(garbage))), (err: unknown) => {
      assert.ok(err instanceof RenderFailedError)
      assert.match(err.message, /File format is not supported/)
      return true
    })
    const ok = await executor.run(task(await jobWith(SAMPLE_SCENE)))
    assert.equal(ok.frames.length, 1)
  })

  it('fails cleanly when an output would pass the file-size limit', async () => {
    const tiny = new RenderExecutor({ limits: { fileSizeBytes: 1000 } }, { logger: silentLogger })
    const jobDir = await jobWith(SAMPLE_SCENE)
    await assert.rejects(tiny.run(task(jobDir, { resolution: { x: 320, y: 180 } })), (err: unknown) => {
      assert.ok(err instanceof RenderFailedError)
      assert.match(err.message, /File too large/)
      return true
    })
  })

  it('kills a render that passes its timeout, leaving no Blender behind', async () => {
    const name = `hang-${randomBytes(6).toString('hex')}.blend`
    const jobDir = await jobWith(SAMPLE_SCENE, name)
    const events: RenderProgress[] = []
    await assert.rejects(
      executor.run(
        task(jobDir, { blendFile: name, samples: 1_000_000, resolution: { x: 64, y: 36 }, timeoutMs: 2500 }),
        { onProgress: (p) => events.push(p) }
      ),
      (err: unknown) =>
        err instanceof RenderTimeoutError && err.code === 'ERR_RENDER_TIMEOUT' && err.framesDone === 0
    )
    assert.ok(events.length > 0, 'the render had started')
    assert.equal(await processesWith(name), 0)
  })

  it('stops a render when the caller aborts', async () => {
    const controller = new AbortController()
    const run = executor.run(task(await jobWith(SAMPLE_SCENE), { samples: 1_000_000 }), {
      signal: controller.signal,
      onProgress: () => controller.abort()
    })
    await assert.rejects(run, RenderCancelledError)
  })

  it('rejects a task whose .blend is outside the job folder or missing, before starting Blender', async () => {
    const jobDir = await jobWith(SAMPLE_SCENE)
    await assert.rejects(executor.run(task(jobDir, { blendFile: '../scene.blend' })), RenderTaskError)
    await assert.rejects(executor.run(task(jobDir, { blendFile: 'other.blend' })), RenderTaskError)
  })

  it('says how to install Blender when it is missing', async () => {
    const noBlender = new RenderExecutor(
      { blenderPath: '/usr/bin/no-such-blender' },
      { logger: silentLogger }
    )
    await assert.rejects(
      noBlender.run(task(await jobWith(SAMPLE_SCENE))),
      (err: unknown) =>
        err instanceof BlenderUnavailableError && err.message.includes('apt-get install blender')
    )
  })
})
