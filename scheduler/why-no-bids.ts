import { isOnline, type MatchProblem, matchRequirements, type WorkerCapacity } from './capacity.js'
import { formatGb } from './mismatch.js'
import { formatTokens, minBigInt, unitPriceFor } from './pricing.js'
import { defaultJobKinds, type JobKindRegistry } from './spec/registry.js'
import type { JobSpec } from './spec/types.js'

export interface NoMatchExplanation {
  /** At least one online worker meets every requirement, the price and has a free slot. */
  canMatch: boolean
  /** Why no worker can take the job, one line per cause, most common first; empty when canMatch. */
  reasons: string[]
  /** Peer ids of the workers that could take it. */
  candidates: string[]
}

type Cause = 'capability' | 'gpu' | 'price' | 'busy'

/**
 * Says whether any advertised worker can take `spec`, and if not exactly why, from capacity
 * records (before offering) — or after a bid window closed empty. Each online worker is put
 * under the first check it fails: capabilities, GPU (vendor, model, VRAM), price (its floor-based
 * price above the job's max), free slots.
 */
export function explainNoMatch(
  spec: JobSpec,
  records: readonly WorkerCapacity[],
  now: number,
  kinds: JobKindRegistry = defaultJobKinds()
): NoMatchExplanation {
  const kind = kinds.find(spec.kind)
  if (kind === undefined) return refuse([`this node does not know the job kind "${spec.kind}"`])
  if (spec.deadline <= now)
    return refuse(['the deadline has passed; submit the job again with a later deadline'])
  const online = records.filter((record) => isOnline(record, now))
  if (online.length === 0) {
    return refuse([
      'no worker is online: no valid capacity record was found in the DHT; start a worker or wait for one to join'
    ])
  }
  const work = kind.workPerUnit(spec)
  const maxPrice = BigInt(spec.maxPricePerUnit)
  const causes = new Map<Cause, WorkerCapacity[]>()
  const problems: MatchProblem[] = []
  const prices: bigint[] = []
  const candidates: string[] = []
  const put = (cause: Cause, worker: WorkerCapacity): void => {
    causes.set(cause, [...(causes.get(cause) ?? []), worker])
  }
  for (const worker of online) {
    const match = matchRequirements(spec, kind, worker)
    if (!match.ok) {
      problems.push(match.problem)
      put(match.problem.code === 'capability' ? 'capability' : 'gpu', worker)
      continue
    }
    const price = unitPriceFor(worker.priceFloorPerUnit, work)
    if (price > maxPrice) {
      prices.push(price)
      put('price', worker)
    } else if (worker.freeSlots < 1) put('busy', worker)
    else candidates.push(worker.peerId)
  }
  if (candidates.length > 0) return { canMatch: true, reasons: [], candidates }

  const lines: Array<[number, string]> = []
  const count = (cause: Cause): number => causes.get(cause)?.length ?? 0
  const of = (n: number): string =>
    n === online.length ? `all ${n} online` : `${n} of ${online.length} online`
  if (count('capability') > 0) {
    const missing = new Set(problems.flatMap((p) => (p.code === 'capability' ? p.missing : [])))
    lines.push([
      count('capability'),
      `${of(count('capability'))} workers lack the capability ${[...missing].join(', ')}`
    ])
  }
  if (count('gpu') > 0) lines.push([count('gpu'), gpuLine(problems, of(count('gpu')))])
  if (count('price') > 0) {
    const cheapest = prices.reduce(minBigInt)
    lines.push([
      count('price'),
      `${of(count('price'))} workers can run it but ask more than the max price of ${formatTokens(maxPrice)} per ${kind.unitName} (cheapest: ${formatTokens(cheapest)}); raise maxPricePerUnit to at least ${cheapest}`
    ])
  }
  if (count('busy') > 0) {
    lines.push([
      count('busy'),
      `${of(count('busy'))} workers could run it within the price but are busy (no free slot); try again later`
    ])
  }
  return refuse(lines.sort((a, b) => b[0] - a[0]).map(([, line]) => line))
}

function gpuLine(problems: readonly MatchProblem[], who: string): string {
  const parts: string[] = []
  const vram = problems.filter((p): p is Extract<MatchProblem, { code: 'vram' }> => p.code === 'vram')
  if (vram.length > 0) {
    const largest = Math.max(...vram.map((p) => p.largestBytes))
    parts.push(`none with ≥ ${formatGb(vram[0]!.minBytes)} VRAM (largest ${formatGb(largest)})`)
  }
  const vendor = problems.find((p) => p.code === 'gpu-vendor')
  if (vendor !== undefined) parts.push(`no ${vendor.vendor} GPU`)
  const model = problems.find((p) => p.code === 'gpu-model')
  if (model !== undefined) parts.push(`no GPU matching "${model.model}"`)
  if (problems.some((p) => p.code === 'no-gpu')) parts.push('no GPU at all')
  return `${who} workers have the capability but not the GPU the job needs: ${parts.join('; ')}`
}

function refuse(reasons: string[]): NoMatchExplanation {
  return { canMatch: false, reasons, candidates: [] }
}
