import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { unitPriceFor } from '../../pricing.js'
import { renderSpec } from '../../test-support.js'
import { renderJobKind } from './kind.js'

describe('renderJobKind', () => {
  it('counts frames of a range and of a list', () => {
    assert.equal(renderJobKind.units(renderSpec()), 12)
    assert.equal(renderJobKind.units(renderSpec({}, { frames: [4, 8, 15] })), 3)
  })

  it('Cycles requires its device backend from any Blender; Eevee only `render`', () => {
    assert.deepEqual(renderJobKind.requiredCapabilities(renderSpec({}, { device: 'OPTIX' })), [
      'render',
      'render:*:cycles-optix'
    ])
    assert.deepEqual(renderJobKind.requiredCapabilities(renderSpec({}, { engine: 'BLENDER_EEVEE' })), [
      'render'
    ])
  })

  it("adds the requester's own keys without repeating", () => {
    const spec = renderSpec({ requirements: { capabilities: ['render', 'render:blender>=3.4'] } })
    assert.deepEqual(renderJobKind.requiredCapabilities(spec), [
      'render',
      'render:*:cycles-cpu',
      'render:blender>=3.4'
    ])
  })

  it('a frame at 1 MP and 128 samples is one reference unit; GPU devices need a GPU', () => {
    const spec = renderSpec({}, { resolution: { x: 1000, y: 1000 }, samples: 128, device: 'CUDA' })
    assert.equal(unitPriceFor(700n, renderJobKind.workPerUnit(spec)), 700n)
    assert.ok(renderJobKind.needsGpu(spec))
    assert.ok(!renderJobKind.needsGpu(renderSpec()))
  })

  it('splits the frames of the spec over workers', () => {
    const plans = renderJobKind.split(renderSpec({}, { frames: [1, 2, 3, 10, 11] }), 2, {
      maxUnitsPerTask: 50
    })
    assert.deepEqual(
      plans.map((p) => p.units),
      [
        [1, 2, 3],
        [10, 11]
      ]
    )
  })
})
