import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { capabilitiesOf, normaliseGpuModel, vramCapabilityFor } from './capabilities.js'
import { parseNvidiaSmiCsv } from './nvidia.js'
import { parseRocmSmiJson } from './rocm.js'
import { readFixture } from './test-fixtures.js'
import type { BlenderInfo, GpuInfo, HardwareInventory } from './types.js'

const BLENDER: BlenderInfo = { version: '3.4.1' }
const CC_FIELDS = ['index', 'name', 'memory.total', 'compute_cap', 'driver_version']

/** A worker with these GPUs; `null` for a machine without Blender. */
function box(gpus: GpuInfo[], blender: BlenderInfo | null = BLENDER): HardwareInventory {
  return {
    gpus,
    cpu: { model: 'AMD EPYC 7763 64-Core Processor', cores: 16 },
    memory: { totalBytes: 64e9, freeBytes: 32e9 },
    disk: { freeBytes: 500e9, path: '/var/lib/rynus' },
    ...(blender === null ? {} : { blender }),
    sandbox: { bubblewrap: true }
  }
}

async function h100(): Promise<GpuInfo[]> {
  return parseNvidiaSmiCsv(await readFixture('nvidia-smi-h100.csv'), CC_FIELDS)
}

describe('capabilitiesOf', () => {
  it('an H100 box renders on CPU, CUDA and OptiX and reaches every VRAM bucket', async () => {
    assert.deepEqual(capabilitiesOf(box(await h100())), [
      'cpu',
      'gpu:nvidia-h100-80gb-hbm3',
      'render',
      'render:blender-3.4:cycles-cpu',
      'render:blender-3.4:cycles-cuda',
      'render:blender-3.4:cycles-optix',
      'train',
      'vram:>=16g',
      'vram:>=24g',
      'vram:>=48g',
      'vram:>=80g',
      'vram:>=8g'
    ])
  })

  it('does not offer a Cycles backend the Blender build lacks (Debian 3.4.1: CUDA and HIP, no OptiX)', async () => {
    const keys = capabilitiesOf(box(await h100(), { version: '3.4.1', cyclesBackends: ['cuda', 'hip'] }))
    assert.ok(keys.includes('render:blender-3.4:cycles-cuda'))
    assert.ok(!keys.includes('render:blender-3.4:cycles-optix'))
  })

  it('an RTX 2080 SUPER box: CUDA and OptiX, only the 8 GB bucket', async () => {
    const gpus = parseNvidiaSmiCsv(await readFixture('nvidia-smi-full-rtx2080super.csv'))
    assert.deepEqual(capabilitiesOf(box(gpus)), [
      'cpu',
      'gpu:nvidia-geforce-rtx-2080-super',
      'render',
      'render:blender-3.4:cycles-cpu',
      'render:blender-3.4:cycles-cuda',
      'render:blender-3.4:cycles-optix',
      'train',
      'vram:>=8g'
    ])
  })

  it('an MI210 box renders with HIP and reaches 48 GB', async () => {
    const gpus = parseRocmSmiJson(await readFixture('rocm-smi-mi210.txt'))
    assert.deepEqual(capabilitiesOf(box(gpus)), [
      'cpu',
      'gpu:amd-instinct-mi210',
      'render',
      'render:blender-3.4:cycles-cpu',
      'render:blender-3.4:cycles-hip',
      'train',
      'vram:>=16g',
      'vram:>=24g',
      'vram:>=48g',
      'vram:>=8g'
    ])
  })

  it('a CPU-only box honestly advertises CPU rendering and no gpu:/vram: keys', () => {
    assert.deepEqual(capabilitiesOf(box([])), ['cpu', 'render', 'render:blender-3.4:cycles-cpu', 'train'])
  })

  it('without Blender there is no render key, GPU or not', async () => {
    assert.deepEqual(capabilitiesOf(box([], null)), ['cpu', 'train'])
    const keys = capabilitiesOf(box(await h100(), null))
    assert.ok(!keys.some((key) => key.startsWith('render')))
    assert.ok(keys.includes('gpu:nvidia-h100-80gb-hbm3'))
  })

  it('an old GPU or driver gets CUDA without OptiX; a GPU of unknown VRAM gets no vram: key', () => {
    const kepler: GpuInfo = {
      index: 0,
      vendor: 'nvidia',
      name: 'Tesla K80',
      computeCapability: '3.7',
      driver: '470.1'
    }
    const keys = capabilitiesOf(box([kepler]))
    assert.ok(keys.includes('render:blender-3.4:cycles-cuda'))
    assert.ok(!keys.includes('render:blender-3.4:cycles-optix'))
    assert.ok(!keys.some((key) => key.startsWith('vram:')))
    const oldDriver: GpuInfo = {
      ...kepler,
      name: 'Quadro RTX 4000',
      computeCapability: '7.5',
      driver: '460.91.03'
    }
    assert.ok(!capabilitiesOf(box([oldDriver])).includes('render:blender-3.4:cycles-optix'))
  })

  it('VRAM buckets count GB as sold: a T4 is a 16 GB card, an L40S a 48 GB card', async () => {
    const t4 = parseNvidiaSmiCsv(await readFixture('nvidia-smi-t4.csv'), ['index', 'name', 'memory.total'])
    const l40s = parseNvidiaSmiCsv(await readFixture('nvidia-smi-l40s.csv'), CC_FIELDS)
    assert.deepEqual(
      capabilitiesOf(box(t4)).filter((key) => key.startsWith('vram:')),
      ['vram:>=16g', 'vram:>=8g']
    )
    assert.ok(capabilitiesOf(box([...t4, ...l40s])).includes('vram:>=48g'))
    assert.ok(!capabilitiesOf(box([...t4, ...l40s])).includes('vram:>=80g'))
  })
})

describe('vramCapabilityFor and normaliseGpuModel', () => {
  it('maps a VRAM requirement to the key to look up', () => {
    assert.equal(vramCapabilityFor(24e9), 'vram:>=24g')
    assert.equal(vramCapabilityFor(20e9), 'vram:>=16g')
    assert.equal(vramCapabilityFor(100e9), 'vram:>=80g')
    assert.equal(vramCapabilityFor(4e9), undefined)
  })

  it('prefixes the vendor once', () => {
    assert.equal(normaliseGpuModel({ vendor: 'nvidia', name: 'Tesla T4' }), 'nvidia-tesla-t4')
    assert.equal(
      normaliseGpuModel({ vendor: 'nvidia', name: 'NVIDIA A100-SXM4-80GB' }),
      'nvidia-a100-sxm4-80gb'
    )
    assert.equal(
      normaliseGpuModel({ vendor: 'amd', name: 'AMD Radeon RX 7900 XTX' }),
      'amd-radeon-rx-7900-xtx'
    )
  })
})
