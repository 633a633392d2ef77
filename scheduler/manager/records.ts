import type { StoredBid, TaskOutput } from '../../storage/repos/index.js'
import type { Bid } from '../rank/types.js'
import type { JobKind, JobSpec } from '../spec/types.js'
import type { JobView, SchedulerJob, SchedulerTask } from './types.js'

/** A fresh job record in `draft`. */
export function newJobRecord(id: string, spec: JobSpec, now: number): SchedulerJob {
  return {
    id,
    kind: spec.kind,
    spec,
    state: { name: 'draft', since: now },
    createdAt: now,
    updatedAt: now,
    units: [],
    workers: [],
    failedWorkers: [],
    declinedWorkers: [],
    bids: [],
    offerRound: 0,
    emptyRounds: 0,
    unitsDone: 0
  }
}

export function toStoredBid(bid: Bid): StoredBid {
  const stored: StoredBid = { ...bid, pricePerUnit: bid.pricePerUnit.toString() }
  if (bid.latencyMs === undefined) delete stored.latencyMs
  return stored
}

export function fromStoredBid(stored: StoredBid): Bid {
  return { ...stored, pricePerUnit: BigInt(stored.pricePerUnit) }
}

/** unit → output over every accepted task. */
export function acceptedOutputs(tasks: readonly SchedulerTask[]): Record<string, TaskOutput> {
  const outputs: Record<string, TaskOutput> = {}
  for (const task of tasks) if (task.state.name === 'accepted') Object.assign(outputs, task.outputs)
  return outputs
}

export function viewOf(job: SchedulerJob, tasks: SchedulerTask[], kind: JobKind | undefined): JobView {
  const outputs = acceptedOutputs(tasks)
  const unitsTotal = job.units.length > 0 ? job.units.length : (kind?.units(job.spec) ?? 0)
  return { job, tasks, outputs, unitsDone: Object.keys(outputs).length, unitsTotal }
}

/**
 * Why a result's outputs do not match the task (each unit exactly once, nothing else, a CID and
 * a size for each), or undefined when they do.
 */
export function outputsProblem(
  units: readonly number[],
  outputs: ReadonlyArray<{ frame: number; cid: string; bytes: number }>
): string | undefined {
  const wanted = new Set(units)
  const seen = new Set<number>()
  for (const output of outputs) {
    if (!wanted.has(output.frame))
      return `the result has frame ${output.frame}, which is not part of the task`
    if (seen.has(output.frame)) return `the result has frame ${output.frame} twice`
    if (output.cid === '' || !Number.isSafeInteger(output.bytes) || output.bytes <= 0) {
      return `the result has no content for frame ${output.frame}`
    }
    seen.add(output.frame)
  }
  const missing = units.filter((unit) => !seen.has(unit))
  return missing.length > 0 ? `the result lacks frames ${describeUnits(missing)}` : undefined
}

/** `[1,2,3,7,9,10]` → `1-3, 7, 9-10`. */
export function describeUnits(units: readonly number[]): string {
  const parts: string[] = []
  let start = units[0]
  for (let i = 1; i <= units.length; i++) {
    if (i < units.length && units[i] === units[i - 1]! + 1) continue
    const end = units[i - 1]
    parts.push(start === end ? `${start}` : `${start}-${end}`)
    start = units[i]
  }
  return parts.join(', ')
}
