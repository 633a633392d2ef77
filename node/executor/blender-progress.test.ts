import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import {
  BlenderProgressTracker,
  frameOfOutput,
  parseBlenderLine,
  type RenderProgress
} from './blender-progress.js'

// Lines recorded from `blender -b … -f 12` with Debian's Blender 3.4.1 (Cycles), and Eevee's format.
const CYCLES_LINES = [
  'Blender 3.4.1',
  'Read blend: /job/scene.blend',
  'Fra:12 Mem:10.06M (Peak 11.24M) | Time:00:00.06 | Mem:0.14M, Peak:0.20M | Scene, ViewLayer | Updating Mesh | Computing normals',
  'Fra:12 Mem:10.67M (Peak 11.24M) | Time:00:00.06 | Mem:1.00M, Peak:1.00M | Scene, ViewLayer | Sample 0/16',
  'Fra:12 Mem:11.56M (Peak 11.56M) | Time:00:00.11 | Remaining:00:00.67 | Mem:1.87M, Peak:1.87M | Scene, ViewLayer | Sample 1/16',
  'Fra:12 Mem:12.44M (Peak 14.19M) | Time:00:00.74 | Mem:1.87M, Peak:1.87M | Scene, ViewLayer | Sample 16/16',
  'Fra:12 Mem:12.44M (Peak 14.19M) | Time:00:00.74 | Mem:1.87M, Peak:1.87M | Scene, ViewLayer | Finished',
  "Saved: '/job/out/frame_0012.png'",
  ' Time: 00:00.93 (Saving: 00:00.19)',
  '',
  'Blender quit'
]

describe('parseBlenderLine', () => {
  it('reads Cycles 3.x sample lines', () => {
    assert.deepEqual(parseBlenderLine(CYCLES_LINES[4]!), {
      kind: 'sample',
      frame: 12,
      sample: 1,
      samples: 16
    })
  })

  it('reads the "Rendering n / m samples" lines of Eevee and older Cycles', () => {
    assert.deepEqual(
      parseBlenderLine('Fra:1 Mem:12.64M (Peak 13.63M) | Time:00:01.62 | Rendering 26 / 64 samples'),
      {
        kind: 'sample',
        frame: 1,
        sample: 26,
        samples: 64
      }
    )
  })

  it('reads saved files and error lines', () => {
    assert.deepEqual(parseBlenderLine("Saved: '/job/out/frame_0012.png'"), {
      kind: 'saved',
      path: '/job/out/frame_0012.png'
    })
    assert.deepEqual(
      parseBlenderLine("Error: Failed to read blend file '/job/scene.blend': Missing DNA block"),
      {
        kind: 'error',
        message: "Failed to read blend file '/job/scene.blend': Missing DNA block"
      }
    )
    assert.deepEqual(parseBlenderLine('rynus-setup: error: Blender sees no OPTIX device'), {
      kind: 'error',
      message: 'Blender sees no OPTIX device'
    })
  })

  it('ignores everything else, including look-alikes inside other text', () => {
    for (const line of [
      CYCLES_LINES[2]!,
      CYCLES_LINES[6]!,
      ' Time: 00:00.93',
      'echo Saved: x',
      'Fra:x | Sample 1/2',
      ''
    ]) {
      assert.equal(parseBlenderLine(line), undefined, line)
    }
  })
})

describe('frameOfOutput', () => {
  it('takes the frame number from the file name', () => {
    assert.equal(frameOfOutput('/job/out/frame_0012.png'), 12)
    assert.equal(frameOfOutput('/job/out/frame_12345.exr'), 12345)
    assert.equal(frameOfOutput('/job/out/frame.png'), undefined)
  })
})

describe('BlenderProgressTracker', () => {
  it('turns a recorded render into progress events and a saved frame', () => {
    const events: RenderProgress[] = []
    const tracker = new BlenderProgressTracker(
      2,
      (p) => events.push(p),
      (path) => (path.startsWith('/job/out/') ? `/host/job/out/${path.slice(9)}` : undefined)
    )
    for (const line of CYCLES_LINES) tracker.push(line)
    assert.deepEqual(events, [
      { frame: 12, sample: 0, samples: 16, framesDone: 0, framesTotal: 2 },
      { frame: 12, sample: 1, samples: 16, framesDone: 0, framesTotal: 2 },
      { frame: 12, sample: 16, samples: 16, framesDone: 0, framesTotal: 2 },
      {
        frame: 12,
        sample: 16,
        samples: 16,
        framesDone: 1,
        framesTotal: 2,
        savedPath: '/host/job/out/frame_0012.png'
      }
    ])
    assert.deepEqual([...tracker.saved], [[12, '/host/job/out/frame_0012.png']])
  })

  it('ignores saved files outside the output folder and keeps error lines', () => {
    const tracker = new BlenderProgressTracker(
      1,
      () => {},
      () => undefined
    )
    tracker.push("Saved: '/tmp/elsewhere_0001.png'")
    tracker.push("Error: File format is not supported in file '/job/scene.blend'")
    assert.equal(tracker.saved.size, 0)
    assert.deepEqual(tracker.errors, ["File format is not supported in file '/job/scene.blend'"])
  })
})
