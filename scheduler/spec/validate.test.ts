import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { JobSpecError } from '../errors.js'
import { NOW, ONE_TOKEN, renderSpec } from '../test-support.js'
import { validateJobSpec } from './validate.js'

/** The field errors validateJobSpec reports for `input` (fails the test when it accepts it). */
function fieldsOf(input: unknown): Record<string, string> {
  try {
    validateJobSpec(input, { now: NOW })
  } catch (err) {
    assert.ok(err instanceof JobSpecError)
    assert.equal(err.code, 'ERR_JOB_SPEC')
    return err.fields
  }
  assert.fail('the spec was accepted')
}

describe('validateJobSpec: envelope', () => {
  it('accepts a good render spec and returns an equal plain copy', () => {
    const spec = renderSpec()
    const valid = validateJobSpec(spec, { now: NOW })
    assert.deepEqual(valid, spec)
    assert.notEqual(valid, spec)
  })

  it('a non-object is refused as a whole', () => {
    assert.deepEqual(Object.keys(fieldsOf('render please')), ['spec'])
    assert.deepEqual(Object.keys(fieldsOf(null)), ['spec'])
  })

  it('reports every bad envelope field at once, each with what to do', () => {
    const fields = fieldsOf({
      ...renderSpec(),
      version: 2,
      requester: 'not-a-peer',
      createdAt: -1,
      budget: '12.5',
      maxPricePerUnit: '007',
      deadline: NOW - 1,
      requirements: { capabilities: ['Render!'], minVramBytes: -5, gpuVendor: 'intel', gpuModel: '' },
      colour: 'blue'
    })
    assert.deepEqual(Object.keys(fields).sort(), [
      'budget',
      'colour',
      'createdAt',
      'deadline',
      'maxPricePerUnit',
      'requester',
      'requirements.capabilities[0]',
      'requirements.gpuModel',
      'requirements.gpuVendor',
      'requirements.minVramBytes',
      'version'
    ])
    assert.match(fields.colour!, /unknown field; remove it/)
    assert.match(fields.deadline!, /in the future/)
    assert.match(fields['requirements.gpuVendor']!, /nvidia, amd/)
    assert.match(fields.budget!, /decimal string/)
    assert.match(fields['requirements.gpuModel']!, /rtx-4090/)
  })

  it('a GPU model is a lowercase slug, as offers carry it', () => {
    const spec = (gpuModel: string) => renderSpec({ requirements: { capabilities: [], gpuModel } })
    assert.ok('requirements.gpuModel' in fieldsOf(spec('RTX 4090')))
    assert.doesNotThrow(() => validateJobSpec(spec('rtx-4090'), { now: NOW }))
  })

  it('an unknown kind names the kinds this node knows', () => {
    const fields = fieldsOf({ ...renderSpec(), kind: 'mine-bitcoin' })
    assert.match(fields.kind!, /give one of render/)
    assert.match(fields.render!, /remove it/)
  })

  it('a render job without render parameters says to give them', () => {
    const { render: _render, ...bare } = renderSpec()
    assert.match(fieldsOf(bare).render!, /give the render parameters/)
  })

  it('max price × frames must fit the budget, and the message gives the least budget', () => {
    const fields = fieldsOf(renderSpec({ budget: (11n * ONE_TOKEN).toString() }))
    assert.match(fields.budget!, new RegExp(`${12n * ONE_TOKEN}`))
    assert.doesNotThrow(() =>
      validateJobSpec(renderSpec({ budget: (12n * ONE_TOKEN).toString() }), { now: NOW })
    )
  })

  it('a deadline more than 90 days out, a creation time in the future and zero money are refused', () => {
    const fields = fieldsOf(
      renderSpec({ deadline: NOW + 91 * 86_400_000, createdAt: NOW + 3600_000, maxPricePerUnit: '0' })
    )
    assert.match(fields.deadline!, /within 90 days/)
    assert.match(fields.createdAt!, /not in the future/)
    assert.match(fields.maxPricePerUnit!, /above 0/)
  })

  it('repeated or too many capability keys are refused', () => {
    const repeated = fieldsOf(renderSpec({ requirements: { capabilities: ['render', 'render'] } }))
    assert.match(repeated['requirements.capabilities[1]']!, /repeated/)
    const many = Array.from({ length: 33 }, (_, i) => `cap${i}`)
    assert.ok('requirements.capabilities' in fieldsOf(renderSpec({ requirements: { capabilities: many } })))
  })
})

describe('validateJobSpec: render parameters', () => {
  it('reports bad input, frames, engine, samples, resolution and format with their paths', () => {
    const fields = fieldsOf(
      renderSpec(
        {},
        {
          input: { cid: 'QmNope', name: '../etc/passwd', size: 0 },
          frames: { start: 10, end: 5 },
          engine: 'RENDERMAN' as never,
          device: 'TPU' as never,
          samples: 0,
          resolution: { x: 15, y: 16_385 },
          format: 'GIF' as never
        }
      )
    )
    assert.deepEqual(Object.keys(fields).sort(), [
      'render.device',
      'render.engine',
      'render.format',
      'render.frames.end',
      'render.input.cid',
      'render.input.name',
      'render.input.size',
      'render.resolution.x',
      'render.resolution.y',
      'render.samples'
    ])
    assert.match(fields['render.resolution.x']!, /from 16 to 16384/)
    assert.match(fields['render.samples']!, /from 1 to 65536/)
  })

  it('at most 10000 frames, as a range or a list', () => {
    const range = fieldsOf(renderSpec({ budget: '1'.padEnd(30, '0') }, { frames: { start: 0, end: 10_000 } }))
    assert.match(range['render.frames']!, /at most 10000 frames/)
    const list = Array.from({ length: 10_001 }, (_, i) => i)
    assert.match(
      fieldsOf(renderSpec({ budget: '1'.padEnd(30, '0') }, { frames: list }))['render.frames']!,
      /1 to 10000/
    )
  })

  it('a frame list must be ascending without repeats', () => {
    const fields = fieldsOf(renderSpec({}, { frames: [1, 3, 3, 2] }))
    assert.deepEqual(Object.keys(fields).sort(), ['render.frames[2]', 'render.frames[3]'])
    assert.doesNotThrow(() => validateJobSpec(renderSpec({}, { frames: [1, 3, 7] }), { now: NOW }))
  })

  it('Eevee renders on CPU only; CUDA/OptiX need NVIDIA and HIP needs AMD', () => {
    assert.match(
      fieldsOf(renderSpec({}, { engine: 'BLENDER_EEVEE', device: 'CUDA' }))['render.device']!,
      /CPU for Eevee/
    )
    const amd = { requirements: { capabilities: [], gpuVendor: 'amd' as const } }
    assert.match(fieldsOf(renderSpec(amd, { device: 'OPTIX' }))['render.device']!, /use HIP/)
    const nvidia = { requirements: { capabilities: [], gpuVendor: 'nvidia' as const } }
    assert.match(fieldsOf(renderSpec(nvidia, { device: 'HIP' }))['render.device']!, /use CUDA or OPTIX/)
    assert.doesNotThrow(() => validateJobSpec(renderSpec(amd, { device: 'HIP' }), { now: NOW }))
  })

  it('unknown render fields are refused', () => {
    const spec = renderSpec()
    const fields = fieldsOf({ ...spec, render: { ...spec.render, script: 'import os' } })
    assert.match(fields['render.script']!, /unknown field/)
  })
})
