import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { RenderTaskError } from './errors.js'
import { blenderFrameArg, frameList, type RenderTask, validateRenderTask } from './render-task.js'

const TASK: RenderTask = {
  jobDir: '/var/lib/rynus/jobs/abc',
  blendFile: 'scene.blend',
  frames: { start: 1, end: 24 },
  engine: 'CYCLES',
  device: 'CPU',
  samples: 32,
  resolution: { x: 1920, y: 1080 },
  format: 'PNG',
  timeoutMs: 600_000
}

function fieldOf(task: RenderTask): string | undefined {
  try {
    validateRenderTask(task)
    return undefined
  } catch (err) {
    assert.ok(err instanceof RenderTaskError)
    assert.equal(err.code, 'ERR_RENDER_TASK')
    return err.field
  }
}

describe('validateRenderTask', () => {
  it('accepts a sensible task', () => {
    assert.equal(fieldOf(TASK), undefined)
    assert.equal(fieldOf({ ...TASK, blendFile: 'inputs/scene.blend', frames: [3, 1, 2] }), undefined)
  })

  it('names the field that is wrong', () => {
    const cases: Array<[Partial<RenderTask>, string]> = [
      [{ jobDir: 'jobs/abc' }, 'jobDir'],
      [{ blendFile: '../scene.blend' }, 'blendFile'],
      [{ blendFile: '/etc/scene.blend' }, 'blendFile'],
      [{ blendFile: 'a/../../scene.blend' }, 'blendFile'],
      [{ blendFile: 'scene.py' }, 'blendFile'],
      [{ blendFile: 'out/scene.blend' }, 'blendFile'],
      [{ frames: [] }, 'frames'],
      [{ frames: [1, 2.5] }, 'frames[1]'],
      [{ frames: { start: 5, end: 4 } }, 'frames.end'],
      [{ frames: { start: 1, end: 20_000 } }, 'frames'],
      [{ engine: 'WORKBENCH' as RenderTask['engine'] }, 'engine'],
      [{ device: 'METAL' as RenderTask['device'] }, 'device'],
      [{ engine: 'BLENDER_EEVEE', device: 'CUDA' }, 'device'],
      [{ samples: 0 }, 'samples'],
      [{ resolution: { x: 0, y: 10 } }, 'resolution.x'],
      [{ format: 'TIFF' as RenderTask['format'] }, 'format'],
      [{ timeoutMs: 0 }, 'timeoutMs']
    ]
    for (const [change, field] of cases)
      assert.equal(fieldOf({ ...TASK, ...change }), field, JSON.stringify(change))
  })
})

describe('frames', () => {
  it('lists a range or a list ascending without repeats', () => {
    assert.deepEqual(frameList({ start: 3, end: 5 }), [3, 4, 5])
    assert.deepEqual(frameList([5, 1, 5, 2]), [1, 2, 5])
  })

  it("writes Blender's -f argument compactly", () => {
    assert.equal(blenderFrameArg({ start: 1, end: 24 }), '1..24')
    assert.equal(blenderFrameArg({ start: 7, end: 7 }), '7')
    assert.equal(blenderFrameArg([9, 1, 2, 3, 7, 10]), '1..3,7,9..10')
    assert.equal(blenderFrameArg([4]), '4')
  })
})
