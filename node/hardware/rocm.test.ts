import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { GpuToolOutputError } from './errors.js'
import { parseRocmSmiJson } from './rocm.js'
import { readFixture } from './test-fixtures.js'

const MI210 = {
  index: 0,
  vendor: 'amd',
  name: 'Instinct MI210',
  vramTotalBytes: 68702699520,
  vramUsedBytes: 10960896,
  vramFreeBytes: 68702699520 - 10960896
}

function assertOutputError(run: () => unknown): void {
  assert.throws(run, (err: unknown) => {
    assert.ok(err instanceof GpuToolOutputError, `expected GpuToolOutputError, got ${String(err)}`)
    assert.equal(err.code, 'ERR_GPU_TOOL_OUTPUT')
    assert.match(err.message, /^rocm-smi output/)
    return true
  })
}

describe('parseRocmSmiJson', () => {
  it('reads the recorded MI210 output: name, VRAM total/used/free in bytes', async () => {
    assert.deepEqual(parseRocmSmiJson(await readFixture('rocm-smi-mi210.txt')), [MI210])
  })

  it('reads several cards in index order and skips the system entry and warnings before the JSON', async () => {
    const card = JSON.parse(await readFixture('rocm-smi-mi210.txt')).card0
    const text =
      'WARNING: Logging is disabled\n' +
      JSON.stringify({
        card1: { ...card, 'Card series': 'N/A', 'Card SKU': 'D67302' },
        card0: card,
        system: {}
      })
    const gpus = parseRocmSmiJson(text)
    assert.deepEqual(
      gpus.map((gpu) => [gpu.index, gpu.name]),
      [
        [0, 'Instinct MI210'],
        [1, 'D67302']
      ]
    )
  })

  it('returns no GPUs for empty output or a document without cards', () => {
    assert.deepEqual(parseRocmSmiJson(''), [])
    assert.deepEqual(parseRocmSmiJson('{"system": {"Driver version": "6.3.6"}}'), [])
  })

  it('rejects output that is not a JSON object', async () => {
    const fixture = await readFixture('rocm-smi-mi210.txt')
    assertOutputError(() => parseRocmSmiJson('ERROR: GPU[0]\t: Unable to read device information'))
    assertOutputError(() => parseRocmSmiJson(fixture.slice(0, 80)))
    assertOutputError(() => parseRocmSmiJson('[1, 2, 3]'))
    assertOutputError(() => parseRocmSmiJson(Buffer.from([0xff, 0x00, 0x7b, 0x13, 0x88]).toString('utf8')))
  })

  it('rejects a card without a product name or with a size that is not a byte count', () => {
    assertOutputError(() => parseRocmSmiJson('{"card0": {"VRAM Total Memory (B)": "1024"}}'))
    assertOutputError(() => parseRocmSmiJson('{"card0": "Instinct MI210"}'))
    assertOutputError(() =>
      parseRocmSmiJson('{"card0": {"Card series": "Instinct MI210", "VRAM Total Memory (B)": "64 GB"}}')
    )
  })
})
