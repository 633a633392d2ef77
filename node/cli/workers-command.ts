import { apiRequest } from './api-client.js'
import { dataDirFrom, type Flags, UsageError } from './args.js'
import { EXIT } from './exit-codes.js'
import type { Output } from './output.js'
import { formatTokens } from './units.js'

/** `rynus-node workers ls [--render] [--min-vram 24]`. */
export async function workersCommand(flags: Flags, out: Output, positionals: string[]): Promise<number> {
  const dataDir = dataDirFrom(flags)
  if ((positionals[0] ?? 'ls') !== 'ls') throw new UsageError('use `rynus-node workers ls`')
  const { workers } = await apiRequest<{
    workers: Array<{
      peerId: string
      capabilities: string[]
      gpus: Array<{ model: string; vramBytes: number }>
      priceFloorPerUnit: string
      freeSlots: number
      tier: string
      latencyMs?: number
    }>
  }>(dataDir, 'GET', '/workers?fresh=1')
  const minVram = flags['min-vram'] !== undefined ? Number(flags['min-vram']) * 1e9 : 0
  const shown = workers.filter(
    (w) =>
      (flags.render !== true || w.capabilities.includes('render')) &&
      (minVram === 0 || w.gpus.some((g) => g.vramBytes >= minVram))
  )
  out.result(
    { workers: shown },
    shown.length === 0
      ? 'no matching workers found in the DHT'
      : shown
          .map((w) => {
            const gpu =
              w.gpus.length > 0
                ? w.gpus.map((g) => `${g.model} ${(g.vramBytes / 1e9).toFixed(0)} GB`).join(', ')
                : 'CPU only'
            return `${w.peerId}  ${gpu}  floor ${formatTokens(w.priceFloorPerUnit)}/unit  ${w.tier}  slots ${w.freeSlots}${w.latencyMs !== undefined ? `  ${w.latencyMs} ms` : ''}`
          })
          .join('\n')
  )
  return EXIT.OK
}
