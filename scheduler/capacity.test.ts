import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { gpuModelMatches, matchRequirements } from './capacity.js'
import { renderJobKind } from './kinds/render/kind.js'
import { cpuWorker, PEERS, renderSpec, rtx4090Worker } from './test-support.js'

const cudaJob = (requirements = {}) =>
  renderSpec({ requirements: { capabilities: [], ...requirements } }, { device: 'CUDA' })

describe('matchRequirements', () => {
  it('a CPU render matches a CPU worker without naming a GPU', () => {
    assert.deepEqual(matchRequirements(renderSpec(), renderJobKind, cpuWorker(PEERS.alice)), { ok: true })
  })

  it('a CUDA render needs the cycles-cuda capability', () => {
    assert.deepEqual(matchRequirements(cudaJob(), renderJobKind, cpuWorker(PEERS.alice)), {
      ok: false,
      problem: { code: 'capability', missing: ['render:*:cycles-cuda'] }
    })
  })

  it('picks the GPU meeting vendor, model and VRAM, largest first', () => {
    const worker = rtx4090Worker(PEERS.bob, {
      gpus: [
        { vendor: 'nvidia', model: 'NVIDIA GeForce RTX 3060', vramBytes: 12e9 },
        { vendor: 'nvidia', model: 'NVIDIA GeForce RTX 4090', vramBytes: 24e9 }
      ]
    })
    const match = matchRequirements(
      cudaJob({ gpuVendor: 'nvidia', minVramBytes: 10e9 }),
      renderJobKind,
      worker
    )
    assert.deepEqual(match, {
      ok: true,
      gpu: { vendor: 'nvidia', model: 'NVIDIA GeForce RTX 4090', vramBytes: 24e9 }
    })
    const small = matchRequirements(cudaJob({ gpuModel: 'rtx-3060' }), renderJobKind, worker)
    assert.equal(small.ok && small.gpu?.model, 'NVIDIA GeForce RTX 3060')
  })

  it('says which GPU requirement failed: VRAM with the largest card, vendor, model', () => {
    const worker = rtx4090Worker(PEERS.bob)
    assert.deepEqual(matchRequirements(cudaJob({ minVramBytes: 48e9 }), renderJobKind, worker), {
      ok: false,
      problem: { code: 'vram', minBytes: 48e9, largestBytes: 24e9 }
    })
    assert.equal(
      (
        matchRequirements(cudaJob({ gpuModel: 'h100' }), renderJobKind, worker) as {
          problem: { code: string }
        }
      ).problem.code,
      'gpu-model'
    )
    const cpuJobOnAmd = renderSpec({ requirements: { capabilities: [], gpuVendor: 'amd' } })
    assert.deepEqual(matchRequirements(cpuJobOnAmd, renderJobKind, worker), {
      ok: false,
      problem: { code: 'gpu-vendor', vendor: 'amd' }
    })
  })

  it('a CPU render that asks for VRAM needs a GPU', () => {
    const spec = renderSpec({ requirements: { capabilities: [], minVramBytes: 8e9 } })
    assert.deepEqual(matchRequirements(spec, renderJobKind, cpuWorker(PEERS.alice)), {
      ok: false,
      problem: { code: 'no-gpu' }
    })
  })
})

describe('gpuModelMatches', () => {
  it('matches whole words in a row, ignoring case and punctuation', () => {
    assert.ok(gpuModelMatches('H100', 'NVIDIA H100 80GB HBM3'))
    assert.ok(gpuModelMatches('rtx 4090', 'NVIDIA GeForce RTX 4090'))
    assert.ok(gpuModelMatches('nvidia-h100-80gb', 'NVIDIA H100 80GB HBM3'))
    assert.ok(!gpuModelMatches('A100', 'NVIDIA RTX A1000'))
    assert.ok(!gpuModelMatches('4090 rtx', 'NVIDIA GeForce RTX 4090'))
    assert.ok(!gpuModelMatches('--', 'anything'))
  })
})
