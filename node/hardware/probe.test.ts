import assert from 'node:assert/strict'
import { rm } from 'node:fs/promises'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { silentLogger } from '../../protocols/common/logger.js'
import { runCommand } from './command.js'
import { BWRAP_CHECK_ARGS, MIB } from './constants.js'
import { parseBlenderProbe, probeGpus, probeHardware, probeSoftware } from './probe.js'
import { FIXTURES_DIR, fakeTool, fakeToolDir } from './test-fixtures.js'
import type { HardwareInventory } from './types.js'

const ABSENT = '/nonexistent/rynus-test-tool'

describe('probeHardware on this machine', () => {
  let dir: string
  let inventory: HardwareInventory

  before(async () => {
    dir = await fakeToolDir()
    // The data dir does not exist yet: the free space is that of the file system it will live on.
    inventory = await probeHardware({ dataDir: join(dir, 'not-created', 'data') }, { logger: silentLogger })
  })
  after(() => rm(dir, { recursive: true, force: true }))

  it('finds no GPU without nvidia-smi or rocm-smi, and real CPU, memory and disk figures', () => {
    assert.deepEqual(inventory.gpus, [])
    assert.ok(inventory.cpu.cores > 0)
    assert.notEqual(inventory.cpu.model, '')
    assert.ok(inventory.memory.totalBytes > 0)
    assert.ok(inventory.memory.freeBytes > 0 && inventory.memory.freeBytes <= inventory.memory.totalBytes)
    assert.ok(inventory.disk.freeBytes > 0)
    assert.equal(inventory.disk.path, join(dir, 'not-created', 'data'))
  })

  it('reports the Blender version exactly when `blender --version` works here', async () => {
    const direct = await runCommand('blender', ['--version'], 60_000)
    if (direct.status === 'ok') {
      assert.equal(inventory.blender?.version, /^Blender (\S+)/.exec(direct.stdout)?.[1])
      assert.ok(
        inventory.blender?.cyclesBackends !== undefined,
        'the Blender probe lists its Cycles backends'
      )
    } else {
      assert.equal(inventory.blender, undefined)
    }
  })

  it('reports bubblewrap exactly when it can build a sandbox here', async () => {
    const direct = await runCommand('bwrap', BWRAP_CHECK_ARGS, 10_000)
    assert.equal(inventory.sandbox.bubblewrap, direct.status === 'ok')
  })
})

describe('probe with fake tools', () => {
  let dir: string
  before(async () => {
    dir = await fakeToolDir()
  })
  after(() => rm(dir, { recursive: true, force: true }))

  it('reads GPUs from what nvidia-smi and rocm-smi print', async () => {
    const nvidiaSmi = await fakeTool(
      dir,
      'nvidia-smi',
      `cat '${join(FIXTURES_DIR, 'nvidia-smi-full-rtx2080super.csv')}'`
    )
    const rocmSmi = await fakeTool(dir, 'rocm-smi', `cat '${join(FIXTURES_DIR, 'rocm-smi-mi210.txt')}'`)
    const { value, problems } = await probeGpus({ dataDir: dir, tools: { nvidiaSmi, rocmSmi } })
    assert.deepEqual(problems, [])
    assert.deepEqual(
      value.map((gpu) => [gpu.vendor, gpu.name, gpu.vramTotalBytes]),
      [
        ['nvidia', 'NVIDIA GeForce RTX 2080 SUPER', 8192 * MIB],
        ['amd', 'Instinct MI210', 68702699520]
      ]
    )
  })

  it('absent tools mean no GPUs and no problem', async () => {
    const result = await probeGpus({ dataDir: dir, tools: { nvidiaSmi: ABSENT, rocmSmi: ABSENT } })
    assert.deepEqual(result, { value: [], problems: [] })
  })

  it('a driver with no GPU ("No devices were found", exit 6) means no GPUs and no problem', async () => {
    const nvidiaSmi = await fakeTool(dir, 'nvidia-smi-none', 'echo "No devices were found"; exit 6')
    const result = await probeGpus({ dataDir: dir, tools: { nvidiaSmi, rocmSmi: ABSENT } })
    assert.deepEqual(result, { value: [], problems: [] })
  })

  it('a failing, hanging or babbling tool gives no GPUs and a problem that says why', async () => {
    const failing = await fakeTool(
      dir,
      'nvidia-smi-failing',
      `echo "NVIDIA-SMI has failed because it couldn't communicate with the NVIDIA driver." >&2; exit 9`
    )
    const hanging = await fakeTool(dir, 'nvidia-smi-hanging', 'exec sleep 30')
    const babbling = await fakeTool(dir, 'rocm-smi-babbling', 'echo "ERROR: GPU[0] : Unable to read"')

    const failed = await probeGpus({ dataDir: dir, tools: { nvidiaSmi: failing, rocmSmi: babbling } })
    assert.deepEqual(failed.value, [])
    assert.equal(failed.problems.length, 2)
    assert.match(failed.problems[0], /nvidia-smi exited with code 9: NVIDIA-SMI has failed/)
    assert.match(failed.problems[1], /rocm-smi output .* not understood/)

    const hung = await probeGpus({
      dataDir: dir,
      timeoutMs: 300,
      tools: { nvidiaSmi: hanging, rocmSmi: ABSENT }
    })
    assert.deepEqual(hung.value, [])
    assert.match(hung.problems[0], /nvidia-smi timed out after 300 ms/)
  })

  it('no bwrap means no sandbox, said as a problem; no Blender means no blender entry', async () => {
    const { value, problems } = await probeSoftware({ tools: { blender: ABSENT, bwrap: ABSENT } })
    assert.deepEqual(value, { sandbox: { bubblewrap: false } })
    assert.deepEqual(problems, ['bwrap is not installed: jobs cannot run in a sandbox'])
  })

  it('a bwrap that cannot build a namespace means no sandbox', async () => {
    const bwrap = await fakeTool(
      dir,
      'bwrap',
      'echo "bwrap: No permissions to create new namespace" >&2; exit 1'
    )
    const { value, problems } = await probeSoftware({ tools: { blender: ABSENT, bwrap } })
    assert.equal(value.sandbox.bubblewrap, false)
    assert.match(problems[0], /No permissions to create new namespace/)
  })
})

describe('parseBlenderProbe', () => {
  it('reads the version and the Cycles backends Blender was built with', () => {
    // Recorded: Debian's blender 3.4.1+dfsg-2+b1 answering the probe.
    const debian = 'Blender 3.4.1\nRYNUS_CYCLES_BACKENDS=NONE,CUDA,HIP\n\nBlender quit\n'
    assert.deepEqual(parseBlenderProbe(debian), { version: '3.4.1', cyclesBackends: ['cuda', 'hip'] })
  })

  it('keeps the version when the backends line is missing, and rejects output without a banner', () => {
    assert.deepEqual(parseBlenderProbe('Blender 4.2.3 LTS\n\tbuild date: 2024-10-15\n'), { version: '4.2.3' })
    assert.equal(parseBlenderProbe('bash: blender: command not found\n'), undefined)
    assert.equal(parseBlenderProbe(''), undefined)
  })
})
