import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { capabilityCid } from './capability.js'
import { type CapacityRecord, decodeCapacity, encodeCapacity } from './codec.js'
import { MAX_CAPACITY_BYTES, MAX_GPUS } from './constants.js'
import { CapacityRecord as CapacityPb } from './pb/capacity.js'
import { sampleCapacity } from './test-fixtures.js'

describe('capacity record', () => {
  it('round-trips', () => {
    const record = sampleCapacity()
    assert.deepEqual(decodeCapacity(encodeCapacity(record)), record)
  })

  it('a CPU-only node advertises CPU rendering and nothing GPU', () => {
    const cpuOnly = sampleCapacity({
      gpus: [],
      capabilities: ['cpu', 'render', 'render:blender-3.4:cycles-cpu', 'train']
    })
    assert.deepEqual(decodeCapacity(encodeCapacity(cpuOnly)), cpuOnly)
    assert.throws(
      () => encodeCapacity({ ...cpuOnly, capabilities: ['gpu:nvidia-geforce-rtx-4090'] }),
      /needs a GPU/
    )
  })

  it('claims that do not add up are refused', () => {
    const cases: Array<[string, Partial<CapacityRecord>, RegExp]> = [
      ['render without Blender', { blenderVersion: '' }, /needs Blender/],
      ['more VRAM than any GPU', { capabilities: ['vram:>=48g'] }, /more VRAM/],
      ['a capability twice', { capabilities: ['cpu', 'cpu'] }, /twice/],
      ['a malformed capability', { capabilities: ['Render Everything!'] }, /malformed/],
      ['an unknown tier', { tier: 'platinum' as CapacityRecord['tier'] }, /tier/],
      [
        'an unknown vendor',
        { gpus: [{ index: 0, vendor: 'intel' as 'amd', model: 'Arc', vramBytes: 0 }], capabilities: [] },
        /vendor/
      ],
      ['no CPU', { cpuCores: 0 }, /cpuCores/],
      ['a negative price', { priceFloorPerUnit: -1n }, /priceFloorPerUnit/],
      ['an odd region', { region: 'Mars Base One' }, /region/]
    ]
    for (const [name, change, message] of cases) {
      assert.throws(
        () => encodeCapacity(sampleCapacity(change)),
        { code: 'ERR_CAPACITY_RECORD', message },
        name
      )
    }
  })

  it('garbage, oversized and too many GPUs are refused with ERR_CAPACITY_RECORD', () => {
    assert.throws(() => decodeCapacity(new Uint8Array([0x0a, 0xff, 0xff, 0x03])), {
      code: 'ERR_CAPACITY_RECORD'
    })
    assert.throws(() => decodeCapacity(new Uint8Array(MAX_CAPACITY_BYTES + 1)), {
      code: 'ERR_CAPACITY_RECORD'
    })
    const gpus = Array.from({ length: MAX_GPUS + 1 }, (_, index) => ({
      index,
      vendor: 'nvidia',
      model: 'A100',
      vramBytes: 4e10
    }))
    const many = CapacityPb.encode({ ...CapacityPb.decode(encodeCapacity(sampleCapacity())), gpus })
    assert.throws(() => decodeCapacity(many), { code: 'ERR_CAPACITY_RECORD', message: /too many elements/ })
    const price = CapacityPb.encode({
      ...CapacityPb.decode(encodeCapacity(sampleCapacity())),
      priceFloorPerUnit: '1.5'
    })
    assert.throws(() => decodeCapacity(price), { code: 'ERR_CAPACITY_RECORD', message: /priceFloorPerUnit/ })
  })

  it('capability keys map to stable raw CIDs and malformed keys are refused', async () => {
    const a = await capabilityCid('render:blender-3.4:cycles-cpu')
    assert.equal(a.toString(), (await capabilityCid('render:blender-3.4:cycles-cpu')).toString())
    assert.notEqual(a.toString(), (await capabilityCid('render')).toString())
    assert.equal(a.code, 0x55)
    await assert.rejects(capabilityCid('RENDER'), { code: 'ERR_CAPABILITY_KEY' })
  })
})
