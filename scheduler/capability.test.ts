import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { capabilitySatisfied, missingCapabilities, providerKeys } from './capability.js'

const H100_BOX = [
  'cpu',
  'gpu:nvidia-h100-80gb-hbm3',
  'render',
  'render:blender-3.4:cycles-cpu',
  'render:blender-3.4:cycles-cuda',
  'train',
  'vram:>=24g',
  'vram:>=80g'
]

describe('capabilitySatisfied', () => {
  it('a general key is met by a more specific one, not the other way round', () => {
    assert.ok(capabilitySatisfied('render', H100_BOX))
    assert.ok(capabilitySatisfied('render:blender-3.4', H100_BOX))
    assert.ok(!capabilitySatisfied('render:blender-3.4:cycles-cuda:extra', H100_BOX))
    assert.ok(!capabilitySatisfied('render', ['cpu', 'train']))
  })

  it('* stands for one segment: any Blender with CUDA', () => {
    assert.ok(capabilitySatisfied('render:*:cycles-cuda', H100_BOX))
    assert.ok(!capabilitySatisfied('render:*:cycles-optix', H100_BOX))
    assert.ok(!capabilitySatisfied('render:*:cycles-hip', H100_BOX))
  })

  it('a version prefix stops at a dot: blender-3 takes 3.4 but not 34', () => {
    assert.ok(capabilitySatisfied('render:blender-3:cycles-cpu', H100_BOX))
    assert.ok(!capabilitySatisfied('render:blender-3', ['render:blender-34:cycles-cpu']))
    assert.ok(!capabilitySatisfied('render:blender-4', H100_BOX))
  })

  it('name>=version is a numeric lower bound', () => {
    assert.ok(capabilitySatisfied('render:blender>=3.4', H100_BOX))
    assert.ok(capabilitySatisfied('render:blender>=3', H100_BOX))
    assert.ok(!capabilitySatisfied('render:blender>=3.10', H100_BOX))
    assert.ok(capabilitySatisfied('render:blender>=3.10', ['render:blender-4.0:cycles-cpu']))
  })

  it('VRAM and GPU keys are literal', () => {
    assert.ok(capabilitySatisfied('vram:>=80g', H100_BOX))
    assert.ok(!capabilitySatisfied('vram:>=48g', H100_BOX))
    assert.ok(!capabilitySatisfied('gpu:nvidia-h100', H100_BOX))
  })

  it('missingCapabilities names exactly what a worker lacks', () => {
    assert.deepEqual(missingCapabilities(['render', 'render:*:cycles-optix', 'vram:>=48g'], H100_BOX), [
      'render:*:cycles-optix',
      'vram:>=48g'
    ])
  })

  it('providerKeys keeps only keys findProviders can look up', () => {
    assert.deepEqual(
      providerKeys(['render', 'render:*:cycles-cuda', 'render:blender>=3.4', 'vram:>=24g', 'gpu:amd-mi210']),
      ['render', 'vram:>=24g', 'gpu:amd-mi210']
    )
  })
})
