import { MIB, NVIDIA_QUERY_FIELDS } from './constants.js'
import { GpuToolOutputError } from './errors.js'
import type { GpuInfo } from './types.js'

const TOOL = 'nvidia-smi'

/** nvidia-smi accepts several names for some fields; the header prints one of them. */
const FIELD_ALIASES: Record<string, string> = {
  gpu_name: 'name',
  gpu_uuid: 'uuid',
  compute_capability: 'compute_cap',
  'power.draw.average': 'power.draw',
  'power.draw.instant': 'power.draw'
}

/** A header cell: a field name, optionally followed by its unit, e.g. `memory.total [MiB]`. */
const HEADER_CELL = /^([a-z][A-Za-z0-9_.]*)(?: \[[^\]]*\])?$/
const NUMBER_WITH_UNIT = /^(-?\d+(?:\.\d+)?)(?: ?([A-Za-z%]+))?$/
const MEMORY_UNITS: Record<string, number> = { KiB: 1024, MiB: MIB, GiB: 1024 * MIB }

class BadValue extends Error {}

type Reader = (gpu: Partial<GpuInfo>, raw: string, field: string) => void

const READERS: Record<string, Reader> = {
  index: (gpu, raw, field) => {
    if (!/^\d+$/.test(raw)) throw new BadValue(`${field} "${raw}" is not a device index`)
    gpu.index = Number(raw)
  },
  name: (gpu, raw, field) => {
    if (raw === '' || isUnavailable(raw)) throw new BadValue(`${field} is missing`)
    gpu.name = raw
  },
  uuid: (gpu, raw, field) => assign(gpu, 'uuid', text(raw, field)),
  'memory.total': (gpu, raw, field) => assign(gpu, 'vramTotalBytes', memory(raw, field)),
  'memory.free': (gpu, raw, field) => assign(gpu, 'vramFreeBytes', memory(raw, field)),
  'memory.used': (gpu, raw, field) => assign(gpu, 'vramUsedBytes', memory(raw, field)),
  driver_version: (gpu, raw, field) => assign(gpu, 'driver', text(raw, field)),
  compute_cap: (gpu, raw, field) => {
    const value = text(raw, field)
    if (value !== undefined && !/^\d+\.\d+$/.test(value)) {
      throw new BadValue(`${field} "${raw}" is not a compute capability`)
    }
    assign(gpu, 'computeCapability', value)
  },
  'utilization.gpu': (gpu, raw, field) => assign(gpu, 'utilizationPercent', measure(raw, field, ['%'])),
  'temperature.gpu': (gpu, raw, field) => assign(gpu, 'temperatureC', measure(raw, field, ['C'])),
  'power.draw': (gpu, raw, field) => assign(gpu, 'powerW', measure(raw, field, ['W'])),
  'power.limit': (gpu, raw, field) => assign(gpu, 'powerLimitW', measure(raw, field, ['W']))
}

/**
 * Parses `nvidia-smi --query-gpu=<fields> --format=csv[,noheader][,nounits]` output.
 *
 * `fields` is the query's field list, in order; it is used when the output has no header. With a
 * header (plain `--format=csv`) the header names the columns and `fields` is ignored. Columns the
 * inventory has no use for are skipped. `[N/A]`, `N/A` and `[Not Supported]` become undefined;
 * memory is returned in bytes. Anything else that is not understood throws `GpuToolOutputError`
 * naming the line; the result never holds NaN.
 */
export function parseNvidiaSmiCsv(text: string, fields: readonly string[] = NVIDIA_QUERY_FIELDS): GpuInfo[] {
  const lines = text
    .replace(/^\uFEFF/, '')
    .split(/\r?\n/)
    .map((line, i) => ({ number: i + 1, text: line.trim() }))
    .filter((line) => line.text !== '')
  if (lines.length === 0) return []
  if (lines.length === 1 && /^No devices were found$/i.test(lines[0].text)) return []

  let columns = fields.map(canonicalField)
  const header = headerColumns(lines[0].text)
  if (header !== undefined) {
    columns = header
    lines.shift()
  }
  if (!columns.includes('name')) {
    throw new GpuToolOutputError(TOOL, 'the query has no name column', header === undefined ? undefined : 1)
  }

  return lines.map((line, position) => parseRow(line.text, line.number, columns, position))
}

function parseRow(line: string, lineNumber: number, columns: string[], position: number): GpuInfo {
  if (holdsBinaryData(line)) {
    throw new GpuToolOutputError(TOOL, 'the line holds binary data', lineNumber, line)
  }
  const cells = line.split(',').map((cell) => cell.trim())
  if (cells.length !== columns.length) {
    throw new GpuToolOutputError(
      TOOL,
      `expected ${columns.length} columns, found ${cells.length}`,
      lineNumber,
      line
    )
  }
  const gpu: Partial<GpuInfo> = { index: position, vendor: 'nvidia' }
  try {
    for (const [i, column] of columns.entries()) READERS[column]?.(gpu, cells[i], column)
  } catch (err) {
    if (err instanceof BadValue) throw new GpuToolOutputError(TOOL, err.message, lineNumber, line)
    throw err
  }
  return gpu as GpuInfo
}

/** Control characters (other than tab) or U+FFFD (bytes that were not UTF-8) never occur in nvidia-smi text. */
function holdsBinaryData(line: string): boolean {
  for (const char of line) {
    const code = char.codePointAt(0)!
    if ((code < 0x20 && code !== 0x09) || code === 0x7f || code === 0xfffd) return true
  }
  return false
}

function headerColumns(line: string): string[] | undefined {
  const cells = line.split(',').map((cell) => cell.trim())
  const names: string[] = []
  for (const cell of cells) {
    const match = HEADER_CELL.exec(cell)
    if (match === null) return undefined
    names.push(canonicalField(match[1]))
  }
  return names.includes('name') || names.includes('index') ? names : undefined
}

function canonicalField(field: string): string {
  const trimmed = field.trim()
  return FIELD_ALIASES[trimmed] ?? trimmed
}

function isUnavailable(raw: string): boolean {
  return /^\[.*\]$/.test(raw) || /^(N\/A|Not Supported)$/i.test(raw)
}

function assign<K extends keyof GpuInfo>(gpu: Partial<GpuInfo>, key: K, value: GpuInfo[K] | undefined): void {
  if (value !== undefined) gpu[key] = value
}

function text(raw: string, field: string): string | undefined {
  if (isUnavailable(raw)) return undefined
  if (raw === '' || /\s/.test(raw)) throw new BadValue(`${field} "${raw}" is not a single word`)
  return raw
}

function memory(raw: string, field: string): number | undefined {
  const value = number(raw, field)
  if (value === undefined) return undefined
  const factor = MEMORY_UNITS[value.unit ?? 'MiB']
  if (factor === undefined) throw new BadValue(`${field} "${raw}" has an unknown unit`)
  if (value.amount < 0) throw new BadValue(`${field} "${raw}" is negative`)
  return Math.round(value.amount * factor)
}

function measure(raw: string, field: string, units: string[]): number | undefined {
  const value = number(raw, field)
  if (value === undefined) return undefined
  if (value.unit !== undefined && !units.includes(value.unit)) {
    throw new BadValue(`${field} "${raw}" has an unknown unit`)
  }
  return value.amount
}

function number(raw: string, field: string): { amount: number; unit?: string } | undefined {
  if (isUnavailable(raw)) return undefined
  const match = NUMBER_WITH_UNIT.exec(raw)
  const amount = Number(match?.[1])
  if (match === null || !Number.isFinite(amount)) throw new BadValue(`${field} "${raw}" is not a number`)
  return { amount, unit: match[2] }
}
