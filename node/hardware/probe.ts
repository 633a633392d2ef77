import { statfs } from 'node:fs/promises'
import { availableParallelism, cpus, freemem, totalmem } from 'node:os'
import { dirname, resolve } from 'node:path'
import type { Logger } from '../../protocols/common/logger.js'
import { type CommandResult, firstLine, runCommand } from './command.js'
import {
  BLENDER_PROBE_ARGS,
  BLENDER_PROBE_TIMEOUT_MS,
  BWRAP_CHECK_ARGS,
  BWRAP_CHECK_TIMEOUT_MS,
  CYCLES_BACKENDS_MARKER,
  GPU_TOOL_TIMEOUT_MS,
  NVIDIA_QUERY_FIELDS,
  NVIDIA_SMI_ARGS,
  ROCM_SMI_ARGS
} from './constants.js'
import { parseNvidiaSmiCsv } from './nvidia.js'
import { parseRocmSmiJson } from './rocm.js'
import type { BlenderInfo, CyclesBackend, GpuInfo, HardwareInventory } from './types.js'

/** Where the probed tools live; a bare name is looked up on PATH. */
export interface ProbeTools {
  nvidiaSmi: string
  rocmSmi: string
  blender: string
  bwrap: string
}

export interface ProbeOptions {
  /** The node's data directory: its file system's free space is the disk figure. */
  dataDir: string
  /** One timeout for every tool, overriding the per-tool defaults in constants.ts. */
  timeoutMs?: number
  tools?: Partial<ProbeTools>
}

export interface ProbeComponents {
  logger: Logger
}

/** A probe's findings plus what went wrong on the way, for the caller to log once. */
export interface Probed<T> {
  value: T
  /** Human-readable problems (a tool that failed, output that was not understood). */
  problems: string[]
}

export type HostFigures = Pick<HardwareInventory, 'cpu' | 'memory' | 'disk'>
export type SoftwareFigures = Pick<HardwareInventory, 'blender' | 'sandbox'>

const DEFAULT_TOOLS: ProbeTools = {
  nvidiaSmi: 'nvidia-smi',
  rocmSmi: 'rocm-smi',
  blender: 'blender',
  bwrap: 'bwrap'
}
const CYCLES_BACKENDS: readonly CyclesBackend[] = ['cuda', 'optix', 'hip', 'metal', 'oneapi']

/** Everything about this machine, once. Problems are logged as warnings; nothing here throws for a missing tool. */
export async function probeHardware(
  opts: ProbeOptions,
  components: ProbeComponents
): Promise<HardwareInventory> {
  const [gpus, host, software] = await Promise.all([probeGpus(opts), probeHost(opts), probeSoftware(opts)])
  for (const problem of [...gpus.problems, ...software.problems]) {
    components.logger.warn('hardware probe problem', { problem })
  }
  return { gpus: gpus.value, ...host, ...software.value }
}

/** NVIDIA and AMD GPUs. A tool that is not installed means no GPUs of that vendor, not a problem. */
export async function probeGpus(opts: ProbeOptions): Promise<Probed<GpuInfo[]>> {
  const tools = { ...DEFAULT_TOOLS, ...opts.tools }
  const timeoutMs = opts.timeoutMs ?? GPU_TOOL_TIMEOUT_MS
  const [nvidia, amd] = await Promise.all([
    runCommand(tools.nvidiaSmi, NVIDIA_SMI_ARGS, timeoutMs),
    runCommand(tools.rocmSmi, ROCM_SMI_ARGS, timeoutMs)
  ])
  const problems: string[] = []
  const gpus = [
    ...readGpus('nvidia-smi', nvidia, (out) => parseNvidiaSmiCsv(out, NVIDIA_QUERY_FIELDS), problems),
    ...readGpus('rocm-smi', amd, parseRocmSmiJson, problems)
  ]
  return { value: gpus, problems }
}

function readGpus(
  tool: string,
  result: CommandResult,
  parse: (stdout: string) => GpuInfo[],
  problems: string[]
): GpuInfo[] {
  if (result.status === 'absent') return []
  if (result.status === 'failed') {
    // nvidia-smi exits 6 with "No devices were found" on a machine whose driver sees no GPU.
    if (/no devices were found/i.test(result.stdout + result.stderr)) return []
    problems.push(`${tool} ${result.reason}: ${firstLine(result.stderr) || firstLine(result.stdout)}`)
    return []
  }
  try {
    return parse(result.stdout)
  } catch (err) {
    problems.push((err as Error).message)
    return []
  }
}

/** CPU, RAM (the cgroup limit where one applies) and free space on the data directory's file system. */
export async function probeHost(opts: Pick<ProbeOptions, 'dataDir'>): Promise<HostFigures> {
  const model = cpus()[0]?.model?.trim() || 'unknown'
  const constrained = process.constrainedMemory()
  const totalBytes = constrained > 0 && constrained < totalmem() ? constrained : totalmem()
  const freeBytes = Math.min(process.availableMemory?.() ?? freemem(), totalBytes)
  const path = resolve(opts.dataDir)
  return {
    cpu: { model, cores: availableParallelism() },
    memory: { totalBytes, freeBytes },
    disk: { freeBytes: await freeDiskBytes(path), path }
  }
}

/** statfs of the directory, or of its nearest existing parent when it is not created yet. */
async function freeDiskBytes(path: string): Promise<number> {
  try {
    const stats = await statfs(path)
    return stats.bavail * stats.bsize
  } catch (err) {
    const parent = dirname(path)
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT' || parent === path) throw err
    return freeDiskBytes(parent)
  }
}

/** Blender (version and Cycles backends) and whether bubblewrap can build a sandbox here. */
export async function probeSoftware(opts: Omit<ProbeOptions, 'dataDir'>): Promise<Probed<SoftwareFigures>> {
  const tools = { ...DEFAULT_TOOLS, ...opts.tools }
  const [blender, bwrap] = await Promise.all([
    runCommand(tools.blender, BLENDER_PROBE_ARGS, opts.timeoutMs ?? BLENDER_PROBE_TIMEOUT_MS),
    runCommand(tools.bwrap, BWRAP_CHECK_ARGS, opts.timeoutMs ?? BWRAP_CHECK_TIMEOUT_MS)
  ])
  const problems: string[] = []
  let blenderInfo: BlenderInfo | undefined
  if (blender.status !== 'absent') {
    blenderInfo = parseBlenderProbe(blender.stdout)
    if (blenderInfo === undefined) {
      const why = blender.status === 'failed' ? blender.reason : 'printed no version'
      problems.push(`blender ${why}: ${firstLine(blender.stderr) || firstLine(blender.stdout)}`)
    }
  }
  if (bwrap.status === 'absent') problems.push('bwrap is not installed: jobs cannot run in a sandbox')
  else if (bwrap.status === 'failed') {
    problems.push(`bwrap cannot build a sandbox here (${bwrap.reason}): ${firstLine(bwrap.stderr)}`)
  }
  const value: SoftwareFigures = { sandbox: { bubblewrap: bwrap.status === 'ok' } }
  if (blenderInfo !== undefined) value.blender = blenderInfo
  return { value, problems }
}

/**
 * Reads what the Blender probe printed: the `Blender x.y[.z]` banner (also the first line of
 * `blender --version`) and the backends line. Undefined when there is no banner.
 */
export function parseBlenderProbe(stdout: string): BlenderInfo | undefined {
  const version = /^Blender (\d+\.\d+(?:\.\d+)?)\b/m.exec(stdout)?.[1]
  if (version === undefined) return undefined
  const line = stdout.split('\n').find((l) => l.startsWith(CYCLES_BACKENDS_MARKER))
  if (line === undefined) return { version }
  const names = line.slice(CYCLES_BACKENDS_MARKER.length).trim().toLowerCase().split(',')
  const cyclesBackends = CYCLES_BACKENDS.filter((backend) => names.includes(backend))
  return { version, cyclesBackends }
}
