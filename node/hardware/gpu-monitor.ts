import { freemem, loadavg, totalmem } from 'node:os'
import { Gauge, type Registry } from 'prom-client'
import type { Logger } from '../../protocols/common/logger.js'
import { SOFTWARE_REFRESH_MS } from './constants.js'
import {
  type ProbeOptions,
  type ProbeTools,
  probeGpus,
  probeHost,
  probeSoftware,
  type SoftwareFigures
} from './probe.js'
import type { GpuInfo, HardwareInventory } from './types.js'

export interface GpuMonitorOptions {
  intervalMs: number
  dataDir: string
  /** Overrides every tool's timeout (see constants.ts for the defaults). */
  timeoutMs?: number
  tools?: Partial<ProbeTools>
}

export interface GpuMonitorComponents {
  logger: Logger
  /** When given, the monitor keeps `rynus_gpu_*` gauges in it. */
  metrics?: Registry
}

export type InventoryListener = (inventory: HardwareInventory) => void

type GaugeName = 'utilization' | 'temperature' | 'memoryUsed' | 'power'

const GAUGES: Record<GaugeName, { name: string; help: string; read: (gpu: GpuInfo) => number | undefined }> =
  {
    utilization: {
      name: 'rynus_gpu_utilization_percent',
      help: 'GPU utilisation',
      read: (g) => g.utilizationPercent
    },
    temperature: {
      name: 'rynus_gpu_temperature_celsius',
      help: 'GPU temperature',
      read: (g) => g.temperatureC
    },
    memoryUsed: {
      name: 'rynus_gpu_memory_used_bytes',
      help: 'GPU memory in use',
      read: (g) => g.vramUsedBytes
    },
    power: { name: 'rynus_gpu_power_watts', help: 'GPU power draw', read: (g) => g.powerW }
  }
const LABELS = ['index', 'name'] as const

/**
 * Polls the hardware probe: GPUs, memory and disk every `intervalMs`, Blender and bubblewrap
 * every SOFTWARE_REFRESH_MS. The latest inventory is `latest()`; listeners added with
 * `onUpdate` hear every new one. A failing tool is logged when the problem first appears.
 */
export class GpuMonitor {
  private readonly opts: GpuMonitorOptions
  private readonly log: Logger
  private readonly gauges?: Record<GaugeName, Gauge<(typeof LABELS)[number]>>
  private readonly listeners = new Set<InventoryListener>()
  private inventory?: HardwareInventory
  private software?: { figures: SoftwareFigures; problems: string[]; at: number }
  private problems = new Set<string>()
  private timer?: NodeJS.Timeout
  private running = false
  private stopped = false
  private inFlight?: Promise<HardwareInventory>
  private readonly samples: HardwareSample[] = []

  constructor(opts: GpuMonitorOptions, components: GpuMonitorComponents) {
    this.opts = opts
    this.log = components.logger.child('gpu-monitor')
    const registry = components.metrics
    if (registry !== undefined) {
      const entries = Object.entries(GAUGES).map(([key, spec]) => {
        const existing = registry.getSingleMetric(spec.name) as Gauge<(typeof LABELS)[number]> | undefined
        const gauge =
          existing ??
          new Gauge({ name: spec.name, help: spec.help, labelNames: LABELS, registers: [registry] })
        return [key, gauge]
      })
      this.gauges = Object.fromEntries(entries) as Record<GaugeName, Gauge<(typeof LABELS)[number]>>
    }
  }

  /** Probes once (resolving when the first inventory is in), then keeps polling until stop(). */
  async start(): Promise<void> {
    if (this.running) return
    this.running = true
    this.stopped = false
    try {
      await this.refresh()
    } catch (err) {
      this.running = false
      throw err
    }
    this.schedule()
  }

  /** Stops polling; resolves once a probe in progress has finished, after which no update is sent. */
  async stop(): Promise<void> {
    this.running = false
    this.stopped = true
    clearTimeout(this.timer)
    this.timer = undefined
    await this.inFlight?.catch(() => {})
  }

  latest(): HardwareInventory | undefined {
    return this.inventory
  }

  /** The last HISTORY_SAMPLES probes, oldest first: per-GPU load, temperature and VRAM, and host load. */
  history(): HardwareSample[] {
    return [...this.samples]
  }

  /** Adds a listener for each new inventory; returns the function that removes it. */
  onUpdate(listener: InventoryListener): () => void {
    this.listeners.add(listener)
    return () => this.listeners.delete(listener)
  }

  /** Probes now (joining a probe already in progress) and returns the fresh inventory. */
  refresh(): Promise<HardwareInventory> {
    this.inFlight ??= this.poll().finally(() => {
      this.inFlight = undefined
    })
    return this.inFlight
  }

  private schedule(): void {
    if (!this.running) return
    this.timer = setTimeout(() => {
      this.refresh()
        .catch((err: unknown) => this.log.error('hardware probe failed', { error: String(err) }))
        .finally(() => this.schedule())
    }, this.opts.intervalMs)
  }

  private async poll(): Promise<HardwareInventory> {
    const probeOpts: ProbeOptions = {
      dataDir: this.opts.dataDir,
      timeoutMs: this.opts.timeoutMs,
      tools: this.opts.tools
    }
    const softwareDue = this.software === undefined || Date.now() - this.software.at >= SOFTWARE_REFRESH_MS
    const [gpus, host, software] = await Promise.all([
      probeGpus(probeOpts),
      probeHost(probeOpts),
      softwareDue ? probeSoftware(probeOpts) : undefined
    ])
    if (software !== undefined) {
      this.software = { figures: software.value, problems: software.problems, at: Date.now() }
    }
    const current = this.software!
    this.noteProblems([...gpus.problems, ...current.problems])
    const inventory: HardwareInventory = { gpus: gpus.value, ...host, ...current.figures }
    if (!this.stopped) this.publish(inventory)
    return inventory
  }

  private publish(inventory: HardwareInventory): void {
    this.inventory = inventory
    this.samples.push(sampleOf(inventory, Date.now()))
    if (this.samples.length > HISTORY_SAMPLES) this.samples.shift()
    if (this.gauges !== undefined) {
      for (const [key, gauge] of Object.entries(this.gauges) as [
        GaugeName,
        Gauge<(typeof LABELS)[number]>
      ][]) {
        gauge.reset()
        for (const gpu of inventory.gpus) {
          const value = GAUGES[key].read(gpu)
          if (value !== undefined) gauge.set({ index: String(gpu.index), name: gpu.name }, value)
        }
      }
    }
    for (const listener of this.listeners) {
      try {
        listener(inventory)
      } catch (err) {
        this.log.error('inventory listener failed', { error: String(err) })
      }
    }
  }

  /** Logs each problem once when it appears and once when it clears, not on every poll. */
  private noteProblems(problems: string[]): void {
    const next = new Set(problems)
    for (const problem of next)
      if (!this.problems.has(problem)) this.log.warn('hardware probe problem', { problem })
    for (const problem of this.problems)
      if (!next.has(problem)) this.log.info('hardware probe problem cleared', { problem })
    this.problems = next
  }
}

/** Probes kept for the charts: two hours at the default 30 s interval. */
export const HISTORY_SAMPLES = 240

/** One probe as the operator's charts show it. */
export interface HardwareSample {
  at: number
  gpus: Array<{
    index: number
    vendor: string
    utilizationPercent: number | null
    temperatureC: number | null
    vramUsedBytes: number | null
    vramTotalBytes: number | null
  }>
  /** 1-minute load average over the cores, in percent (can exceed 100 when overloaded). */
  cpuLoadPercent: number
  memoryUsedBytes: number
}

export function sampleOf(inventory: HardwareInventory, at: number): HardwareSample {
  const cores = Math.max(1, inventory.cpu.cores)
  return {
    at,
    gpus: inventory.gpus.map((g) => ({
      index: g.index,
      vendor: g.vendor,
      utilizationPercent: g.utilizationPercent ?? null,
      temperatureC: g.temperatureC ?? null,
      vramUsedBytes: g.vramUsedBytes ?? null,
      vramTotalBytes: g.vramTotalBytes ?? null
    })),
    cpuLoadPercent: Math.round((loadavg()[0]! / cores) * 1000) / 10,
    memoryUsedBytes: Math.max(0, totalmem() - freemem())
  }
}
