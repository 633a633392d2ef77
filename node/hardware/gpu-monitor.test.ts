import assert from 'node:assert/strict'
import { rm } from 'node:fs/promises'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { Registry } from 'prom-client'
import type { LogFields, Logger } from '../../protocols/common/logger.js'
import { GpuMonitor } from './gpu-monitor.js'
import { FIXTURES_DIR, fakeTool, fakeToolDir } from './test-fixtures.js'
import type { HardwareInventory } from './types.js'

const ABSENT = '/nonexistent/rynus-test-tool'

/** A logger that keeps its warnings, to check what an operator would see. */
function capturingLogger(): Logger & { warnings: LogFields[] } {
  const warnings: LogFields[] = []
  const logger = {
    warnings,
    debug: () => {},
    info: () => {},
    warn: (_message: string, fields?: LogFields) => warnings.push(fields ?? {}),
    error: () => {},
    child: () => logger
  }
  return logger
}

/** Resolves with the next `count` inventories the monitor publishes. */
function nextUpdates(monitor: GpuMonitor, count: number): Promise<HardwareInventory[]> {
  return new Promise((resolve) => {
    const seen: HardwareInventory[] = []
    const remove = monitor.onUpdate((inventory) => {
      seen.push(inventory)
      if (seen.length === count) {
        remove()
        resolve(seen)
      }
    })
  })
}

describe('GpuMonitor', () => {
  let dir: string
  before(async () => {
    dir = await fakeToolDir()
  })
  after(() => rm(dir, { recursive: true, force: true }))

  it('publishes inventories and keeps the rynus_gpu_* gauges of the GPUs present', async () => {
    const fixture = join(FIXTURES_DIR, 'nvidia-smi-full-rtx2080super.csv')
    const nvidiaSmi = await fakeTool(dir, 'nvidia-smi', `cat '${fixture}'`)
    const registry = new Registry()
    const monitor = new GpuMonitor(
      { intervalMs: 20, dataDir: dir, tools: { nvidiaSmi, rocmSmi: ABSENT, blender: ABSENT, bwrap: ABSENT } },
      { logger: capturingLogger(), metrics: registry }
    )
    assert.equal(monitor.latest(), undefined)
    await monitor.start()
    try {
      assert.equal(monitor.latest()?.gpus[0]?.name, 'NVIDIA GeForce RTX 2080 SUPER')
      const [later] = await nextUpdates(monitor, 1)
      assert.equal(later, monitor.latest())

      const labels = '{index="0",name="NVIDIA GeForce RTX 2080 SUPER"}'
      const metrics = await registry.metrics()
      assert.match(metrics, new RegExp(`rynus_gpu_temperature_celsius${escapeRegExp(labels)} 36\\n`))
      assert.match(metrics, new RegExp(`rynus_gpu_utilization_percent${escapeRegExp(labels)} 2\\n`))
      assert.match(
        metrics,
        new RegExp(`rynus_gpu_memory_used_bytes${escapeRegExp(labels)} ${876 * 1024 * 1024}\\n`)
      )
      assert.match(metrics, new RegExp(`rynus_gpu_power_watts${escapeRegExp(labels)} 32.7\\n`))

      // The GPU goes away (driver unloaded): the next inventory has none and its gauges are gone.
      await fakeTool(dir, 'nvidia-smi', 'echo "No devices were found"; exit 6')
      const updates = await nextUpdates(monitor, 2)
      assert.deepEqual(updates[1].gpus, [])
      assert.doesNotMatch(await registry.metrics(), /RTX 2080 SUPER/)

      // the charts' history: oldest first, the GPU's figures while it was there, then none
      const history = monitor.history()
      assert.ok(history.length >= 4)
      assert.ok(history.every((s, i) => i === 0 || s.at >= history[i - 1]!.at))
      assert.deepEqual(history[0]!.gpus[0], {
        index: 0,
        vendor: 'nvidia',
        utilizationPercent: 2,
        temperatureC: 36,
        vramUsedBytes: 876 * 1024 * 1024,
        vramTotalBytes: history[0]!.gpus[0]!.vramTotalBytes
      })
      assert.ok((history[0]!.gpus[0]!.vramTotalBytes ?? 0) > 876 * 1024 * 1024)
      assert.deepEqual(history.at(-1)!.gpus, [])
      assert.ok(history.every((s) => s.cpuLoadPercent >= 0 && s.memoryUsedBytes > 0))
    } finally {
      await monitor.stop()
    }
  })

  it('sends nothing after stop() and warns about a failing tool once, not on every poll', async () => {
    const nvidiaSmi = await fakeTool(dir, 'nvidia-smi-broken', 'echo "Failed to initialize NVML" >&2; exit 9')
    const logger = capturingLogger()
    const monitor = new GpuMonitor(
      { intervalMs: 10, dataDir: dir, tools: { nvidiaSmi, rocmSmi: ABSENT, blender: ABSENT, bwrap: ABSENT } },
      { logger }
    )
    await monitor.start()
    await nextUpdates(monitor, 3)
    await monitor.stop()
    const problems = logger.warnings.map((fields) => String(fields.problem))
    assert.equal(problems.filter((p) => p.includes('Failed to initialize NVML')).length, 1)
    assert.equal(problems.filter((p) => p.includes('bwrap is not installed')).length, 1)

    let updatesAfterStop = 0
    monitor.onUpdate(() => updatesAfterStop++)
    await new Promise((resolve) => setTimeout(resolve, 50))
    assert.equal(updatesAfterStop, 0)
    assert.deepEqual(monitor.latest()?.gpus, [])
  })

  it('registers its gauges once when two monitors share a registry', () => {
    const registry = new Registry()
    const opts = { intervalMs: 1000, dataDir: dir }
    new GpuMonitor(opts, { logger: capturingLogger(), metrics: registry })
    assert.doesNotThrow(() => new GpuMonitor(opts, { logger: capturingLogger(), metrics: registry }))
    assert.equal(registry.getMetricsAsArray().length, 4)
  })
})

function escapeRegExp(text: string): string {
  return text.replace(/[{}()[\].*+?^$|\\]/g, '\\$&')
}
