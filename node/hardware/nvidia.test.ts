import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { MIB, NVIDIA_QUERY_FIELDS } from './constants.js'
import { GpuToolOutputError } from './errors.js'
import { parseNvidiaSmiCsv } from './nvidia.js'
import { readFixture } from './test-fixtures.js'

/** The field lists the one-line fixtures were queried with (see fixtures/README.md). */
const INDEX_NAME_MEM_CC_DRIVER = ['index', 'name', 'memory.total', 'compute_cap', 'driver_version']
const INDEX_NAME_MEM = ['index', 'name', 'memory.total']

function assertOutputError(run: () => unknown, line?: number): void {
  assert.throws(run, (err: unknown) => {
    assert.ok(err instanceof GpuToolOutputError, `expected GpuToolOutputError, got ${String(err)}`)
    assert.equal(err.code, 'ERR_GPU_TOOL_OUTPUT')
    assert.equal(err.line, line)
    if (line !== undefined) assert.match(err.message, new RegExp(`line ${line}\\b`))
    return true
  })
}

/** Deterministic pseudo-random bytes, so a failure can be reproduced. */
function noise(seed: number, length: number): Buffer {
  const bytes = Buffer.alloc(length)
  let state = seed
  for (let i = 0; i < length; i++) {
    state = (state * 1103515245 + 12345) % 2 ** 31
    bytes[i] = state >> 16
  }
  return bytes
}

describe('parseNvidiaSmiCsv on recorded output', () => {
  it('reads the full header-carrying RTX 2080 SUPER output by header names, with units and N/A', async () => {
    const gpus = parseNvidiaSmiCsv(await readFixture('nvidia-smi-full-rtx2080super.csv'), ['ignored'])
    assert.deepEqual(gpus, [
      {
        index: 0,
        vendor: 'nvidia',
        name: 'NVIDIA GeForce RTX 2080 SUPER',
        uuid: 'GPU-df6e7a7c-7314-46f8-abc4-b88b36dcf3aa',
        driver: '471.11',
        vramTotalBytes: 8192 * MIB,
        vramUsedBytes: 876 * MIB,
        vramFreeBytes: 7316 * MIB,
        utilizationPercent: 2,
        temperatureC: 36,
        powerW: 32.7,
        powerLimitW: 250
      }
    ])
  })

  it('reads H100, L40S, B200, T4 lines', async () => {
    assert.deepEqual(parseNvidiaSmiCsv(await readFixture('nvidia-smi-h100.csv'), INDEX_NAME_MEM_CC_DRIVER), [
      {
        index: 0,
        vendor: 'nvidia',
        name: 'NVIDIA H100 80GB HBM3',
        vramTotalBytes: 81559 * MIB,
        computeCapability: '9.0',
        driver: '550.54.15'
      }
    ])
    assert.deepEqual(parseNvidiaSmiCsv(await readFixture('nvidia-smi-l40s.csv'), INDEX_NAME_MEM_CC_DRIVER), [
      {
        index: 0,
        vendor: 'nvidia',
        name: 'NVIDIA L40S',
        vramTotalBytes: 46068 * MIB,
        computeCapability: '8.9',
        driver: '535.183.06'
      }
    ])
    assert.deepEqual(parseNvidiaSmiCsv(await readFixture('nvidia-smi-b200.csv'), INDEX_NAME_MEM), [
      { index: 0, vendor: 'nvidia', name: 'NVIDIA B200', vramTotalBytes: 183359 * MIB }
    ])
    assert.deepEqual(parseNvidiaSmiCsv(await readFixture('nvidia-smi-t4.csv'), INDEX_NAME_MEM), [
      { index: 0, vendor: 'nvidia', name: 'Tesla T4', vramTotalBytes: 15360 * MIB }
    ])
  })

  it('reads a real H200 with the exact query probe.ts runs, with and without the header and units', async () => {
    // recorded on an NVIDIA H200 (driver 580.159.04), idle, 2026-11-27
    const h200 = {
      index: 0,
      vendor: 'nvidia',
      name: 'NVIDIA H200',
      uuid: 'GPU-916e4a16-2c51-ae1f-725f-3c2dca3c89ad',
      vramTotalBytes: 143771 * MIB,
      vramFreeBytes: 143156 * MIB,
      vramUsedBytes: 0,
      driver: '580.159.04',
      computeCapability: '9.0',
      utilizationPercent: 0,
      temperatureC: 36,
      powerLimitW: 700
    }
    const plain = parseNvidiaSmiCsv(await readFixture('nvidia-smi-h200-rynus-query.csv'))
    assert.deepEqual({ ...plain[0], powerW: undefined }, { ...h200, powerW: undefined })
    assert.equal(plain[0]!.powerW, 115.92)
    const headed = parseNvidiaSmiCsv(await readFixture('nvidia-smi-h200-rynus-query-header.csv'), ['ignored'])
    assert.deepEqual({ ...headed[0], powerW: undefined }, { ...h200, powerW: undefined })
    assert.equal(headed[0]!.powerW, 113.82)
  })

  it('numbers rows by position when the query has no index, and reads any column order', async () => {
    const h200 = ['name', 'memory.total', 'uuid', 'compute_cap', 'driver_version']
    assert.deepEqual(parseNvidiaSmiCsv(await readFixture('nvidia-smi-h200.csv'), h200), [
      {
        index: 0,
        vendor: 'nvidia',
        name: 'NVIDIA H200',
        vramTotalBytes: 143771 * MIB,
        uuid: 'GPU-…',
        computeCapability: '9.0',
        driver: '580.1'
      }
    ])
    const a100 = ['name', 'memory.total', 'driver_version']
    assert.deepEqual(parseNvidiaSmiCsv(await readFixture('nvidia-smi-a100.csv'), a100), [
      {
        index: 0,
        vendor: 'nvidia',
        name: 'NVIDIA A100-SXM4-80GB',
        vramTotalBytes: 81920 * MIB,
        driver: '535.104.05'
      }
    ])
  })

  it('leaves [N/A] utilisation and power draw undefined and keeps the rest', async () => {
    const fields = [
      'index',
      'name',
      'utilization.gpu',
      'memory.used',
      'memory.total',
      'temperature.gpu',
      'power.draw',
      'power.limit'
    ]
    assert.deepEqual(parseNvidiaSmiCsv(await readFixture('nvidia-smi-a100-util-na.csv'), fields), [
      {
        index: 1,
        vendor: 'nvidia',
        name: 'NVIDIA A100-SXM4-80GB',
        vramUsedBytes: 1024 * MIB,
        vramTotalBytes: 81920 * MIB,
        temperatureC: 41,
        powerLimitW: 400
      }
    ])
  })
})

describe('parseNvidiaSmiCsv on constructed lines', () => {
  // Constructed, not recorded: GH200 prints [N/A] for memory.total (unified memory).
  it('counts a GPU whose memory.total is [N/A]', () => {
    const gpus = parseNvidiaSmiCsv('0, NVIDIA GH200 480GB, [N/A], 9.0, 550.54.15\n', INDEX_NAME_MEM_CC_DRIVER)
    assert.deepEqual(gpus, [
      {
        index: 0,
        vendor: 'nvidia',
        name: 'NVIDIA GH200 480GB',
        computeCapability: '9.0',
        driver: '550.54.15'
      }
    ])
  })

  // Constructed, not recorded: the probe's own twelve-field query, two GPUs, CRLF line ends.
  it('reads the default query with several GPUs', () => {
    const text =
      '0, NVIDIA H100 80GB HBM3, GPU-aaaa, 81559, 80000, 1024, 550.54.15, 9.0, 97, 61, 650.25, 700.00\r\n' +
      '1, NVIDIA H100 80GB HBM3, GPU-bbbb, 81559, 81000, 24, 550.54.15, 9.0, 0, 33, 70.10, 700.00\r\n'
    const gpus = parseNvidiaSmiCsv(text)
    assert.equal(gpus.length, 2)
    assert.deepEqual(gpus[1], {
      index: 1,
      vendor: 'nvidia',
      name: 'NVIDIA H100 80GB HBM3',
      uuid: 'GPU-bbbb',
      vramTotalBytes: 81559 * MIB,
      vramFreeBytes: 81000 * MIB,
      vramUsedBytes: 24 * MIB,
      driver: '550.54.15',
      computeCapability: '9.0',
      utilizationPercent: 0,
      temperatureC: 33,
      powerW: 70.1,
      powerLimitW: 700
    })
    assert.equal(NVIDIA_QUERY_FIELDS.length, 12)
  })

  it('returns no GPUs for empty output and for "No devices were found"', () => {
    assert.deepEqual(parseNvidiaSmiCsv(''), [])
    assert.deepEqual(parseNvidiaSmiCsv('\n  \n'), [])
    assert.deepEqual(parseNvidiaSmiCsv('No devices were found\n'), [])
  })
})

describe('parseNvidiaSmiCsv on garbage', () => {
  it('rejects random bytes with a typed error, never NaN', () => {
    for (const seed of [1, 2, 3, 42, 1234]) {
      assertOutputError(() => parseNvidiaSmiCsv(noise(seed, 512).toString('utf8')), 1)
    }
  })

  it('rejects truncated lines', async () => {
    const full = await readFixture('nvidia-smi-full-rtx2080super.csv')
    assertOutputError(() => parseNvidiaSmiCsv(full.slice(0, full.length - 400)), 2)
    assertOutputError(() => parseNvidiaSmiCsv('0, NVIDIA H100 80GB HBM3, 815', INDEX_NAME_MEM_CC_DRIVER), 1)
  })

  it('rejects a wrong column count and names the offending line', async () => {
    const t4 = await readFixture('nvidia-smi-t4.csv')
    assertOutputError(() => parseNvidiaSmiCsv(t4), 1)
    const text = '0, Tesla T4, 15360\n1, Tesla T4, 15360\n2, Tesla T4\n'
    assertOutputError(() => parseNvidiaSmiCsv(text, INDEX_NAME_MEM), 3)
  })

  it('rejects values that are not what the column holds', () => {
    assertOutputError(() => parseNvidiaSmiCsv('0, Tesla T4, lots', INDEX_NAME_MEM), 1)
    assertOutputError(() => parseNvidiaSmiCsv('0, Tesla T4, 15360 furlongs', INDEX_NAME_MEM), 1)
    assertOutputError(() => parseNvidiaSmiCsv('x, Tesla T4, 15360', INDEX_NAME_MEM), 1)
    assertOutputError(() => parseNvidiaSmiCsv('0, [N/A], 15360', INDEX_NAME_MEM), 1)
    assertOutputError(() => parseNvidiaSmiCsv('0, Tesla T4, 1e400', INDEX_NAME_MEM), 1)
    assertOutputError(() => parseNvidiaSmiCsv(`0, Tesla T4, ${'9'.repeat(400)}`, INDEX_NAME_MEM), 1)
    assertOutputError(() => parseNvidiaSmiCsv('0, Tesla T4, 15360, high, 1', INDEX_NAME_MEM_CC_DRIVER), 1)
  })

  it('rejects a query without a name column', () => {
    assertOutputError(() => parseNvidiaSmiCsv('0, 15360', ['index', 'memory.total']))
  })
})
