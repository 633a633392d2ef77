import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import {
  buildRenderSubmission,
  defaultRenderForm,
  errorFor,
  parseFrames,
  type RenderForm,
  sceneFileName,
  unplacedErrors
} from './render-form.js'

const filled = (extra: Partial<RenderForm> = {}): RenderForm => ({
  ...defaultRenderForm(),
  cid: 'bafkreig4duo2qeniqo2uhmfyq3vp4anfa42fpi4ypgonntbruyduiw5pmm',
  name: 'sample-scene.blend',
  size: '135106',
  frames: '1-4',
  samples: '4',
  resolutionX: '64',
  resolutionY: '36',
  maxPrice: '0.01',
  ...extra
})

describe('parseFrames', () => {
  it('reads a range as a range and a list as a sorted list without repeats', () => {
    assert.deepEqual(parseFrames('1-4'), { ok: true, frames: { start: 1, end: 4 }, count: 4 })
    assert.deepEqual(parseFrames(' 10 – 12 '), { ok: true, frames: { start: 10, end: 12 }, count: 3 })
    assert.deepEqual(parseFrames('9, 1 5'), { ok: true, frames: [1, 5, 9], count: 3 })
    assert.deepEqual(parseFrames('1-3, 7, 2'), { ok: true, frames: [1, 2, 3, 7], count: 4 })
  })

  it('refuses backwards ranges, junk and more frames than a job may have', () => {
    for (const text of ['', '4-1', 'a', '1-', '3, 2-1', '1-10001', '0-2000000']) {
      assert.equal(parseFrames(text).ok, false, `"${text}" is refused`)
    }
  })
})

describe('buildRenderSubmission', () => {
  it('builds the submission the API takes, with the price in base units', () => {
    const { submission, errors, frames } = buildRenderSubmission(
      filled({ budget: '0.05', deadlineHours: '1.5' })
    )
    assert.deepEqual(errors, {})
    assert.equal(frames, 4)
    assert.deepEqual(submission, {
      input: {
        cid: 'bafkreig4duo2qeniqo2uhmfyq3vp4anfa42fpi4ypgonntbruyduiw5pmm',
        name: 'sample-scene.blend',
        size: 135106
      },
      frames: { start: 1, end: 4 },
      engine: 'CYCLES',
      device: 'CPU',
      samples: 4,
      resolution: { x: 64, y: 36 },
      format: 'PNG',
      maxPricePerUnit: '10000000000000000',
      budget: '50000000000000000',
      deadlineInMs: 5_400_000
    })
  })

  it('leaves budget and deadline out when empty so the node applies its defaults', () => {
    const { submission } = buildRenderSubmission(filled())
    assert.ok(submission !== null)
    assert.equal('budget' in submission, false)
    assert.equal('deadlineInMs' in submission, false)
  })

  it('puts each problem on the field path the API uses', () => {
    const { submission, errors } = buildRenderSubmission(
      filled({
        cid: '',
        name: '../x.blend',
        frames: '5-1',
        samples: '0',
        resolutionX: '8',
        maxPrice: '0.01',
        budget: '0.02',
        engine: 'BLENDER_EEVEE',
        device: 'CUDA'
      })
    )
    assert.equal(submission, null)
    assert.deepEqual(Object.keys(errors).sort(), [
      'render.device',
      'render.frames',
      'render.input.cid',
      'render.input.name',
      'render.resolution.x',
      'render.samples'
    ])
  })

  it('asks for a budget that covers every frame at the max price', () => {
    const { errors } = buildRenderSubmission(filled({ budget: '0.03' }))
    assert.match(errors.budget ?? '', /4 frames = 0\.04 tokens/)
  })

  it('refuses a price of zero and text that is not an amount', () => {
    assert.ok(buildRenderSubmission(filled({ maxPrice: '0' })).errors.maxPricePerUnit)
    assert.ok(buildRenderSubmission(filled({ maxPrice: 'cheap' })).errors.maxPricePerUnit)
  })
})

describe('field errors', () => {
  const errors = {
    'render.frames.end': 'give an end frame…',
    'requirements.gpuModel': 'lowercase',
    budget: 'more'
  }

  it('finds an error on a field or under it', () => {
    assert.equal(errorFor(errors, 'render.frames'), 'give an end frame…')
    assert.equal(errorFor(errors, 'budget'), 'more')
    assert.equal(errorFor(errors, 'render.samples'), undefined)
  })

  it('lists the errors no field shows', () => {
    assert.deepEqual(unplacedErrors(errors, ['render.frames', 'budget']), [
      ['requirements.gpuModel', 'lowercase']
    ])
  })
})

describe('sceneFileName', () => {
  it('makes a name the node accepts from any file name', () => {
    assert.equal(sceneFileName('sample-scene.blend'), 'sample-scene.blend')
    assert.equal(sceneFileName('C:\\renders\\My Scene (v2).BLEND'), 'My Scene _v2_.blend')
    assert.equal(sceneFileName('..hidden.blend'), 'hidden.blend')
    assert.equal(sceneFileName('ünïcode.blend'), 'n_code.blend')
  })
})
