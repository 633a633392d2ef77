import { GpuToolOutputError } from './errors.js'
import type { GpuInfo } from './types.js'

const TOOL = 'rocm-smi'
const CARD_KEY = /^card(\d+)$/
/** Keys that name the product, best first; rocm-smi versions differ in spelling and casing. */
const NAME_KEYS = ['card series', 'marketing name', 'device name', 'card sku', 'card model']
const VRAM_TOTAL_KEY = 'vram total memory (b)'
const VRAM_USED_KEY = 'vram total used memory (b)'

/**
 * Parses `rocm-smi --showproductname --showmeminfo vram --json` output: one entry per `cardN`,
 * named by its card series, VRAM in bytes (free = total − used). Keys other than `cardN` (such as
 * `system`) are skipped. Output that is not a JSON object, or a card without a product name or
 * with a non-numeric size, throws `GpuToolOutputError`.
 */
export function parseRocmSmiJson(text: string): GpuInfo[] {
  const trimmed = text.replace(/^\uFEFF/, '').trim()
  if (trimmed === '') return []
  // Some rocm-smi versions print warnings before the JSON document; it starts on its own line.
  const start = trimmed.startsWith('{') ? 0 : trimmed.indexOf('\n{') + 1
  if (start === 0 && !trimmed.startsWith('{')) {
    throw new GpuToolOutputError(TOOL, 'no JSON object found', 1, trimmed)
  }
  let document: unknown
  try {
    document = JSON.parse(trimmed.slice(start))
  } catch (err) {
    throw new GpuToolOutputError(TOOL, `invalid JSON: ${(err as Error).message}`)
  }
  if (!isRecord(document)) throw new GpuToolOutputError(TOOL, 'the JSON document is not an object')

  const gpus: GpuInfo[] = []
  for (const [key, value] of Object.entries(document)) {
    const match = CARD_KEY.exec(key)
    if (match === null) continue
    gpus.push(parseCard(key, Number(match[1]), value))
  }
  return gpus.sort((a, b) => a.index - b.index)
}

function parseCard(key: string, index: number, value: unknown): GpuInfo {
  if (!isRecord(value)) throw new GpuToolOutputError(TOOL, `${key} is not an object`)
  const fields = new Map(Object.entries(value).map(([k, v]) => [k.toLowerCase(), v]))

  const name = NAME_KEYS.map((k) => fields.get(k)).find(
    (v): v is string => typeof v === 'string' && v.trim() !== '' && !/^N\/A$/i.test(v.trim())
  )
  if (name === undefined) throw new GpuToolOutputError(TOOL, `${key} has no product name`)

  const gpu: GpuInfo = { index, vendor: 'amd', name: name.trim() }
  const total = bytes(key, VRAM_TOTAL_KEY, fields.get(VRAM_TOTAL_KEY))
  const used = bytes(key, VRAM_USED_KEY, fields.get(VRAM_USED_KEY))
  if (total !== undefined) gpu.vramTotalBytes = total
  if (used !== undefined) gpu.vramUsedBytes = used
  if (total !== undefined && used !== undefined && used <= total) gpu.vramFreeBytes = total - used
  return gpu
}

function bytes(card: string, key: string, value: unknown): number | undefined {
  if (value === undefined) return undefined
  if (typeof value === 'string' && /^N\/A$/i.test(value.trim())) return undefined
  const text = typeof value === 'number' ? String(value) : value
  if (typeof text !== 'string' || !/^\d+$/.test(text.trim()) || !Number.isSafeInteger(Number(text))) {
    throw new GpuToolOutputError(TOOL, `${card} "${key}" is not a byte count: ${JSON.stringify(value)}`)
  }
  return Number(text)
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}
