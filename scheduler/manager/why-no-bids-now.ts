import { describeError } from '../../protocols/common/errors.js'
import { explainNoMatch } from '../why-no-bids.js'
import type { RunContext } from './run-context.js'
import type { SchedulerJob } from './types.js'

/**
 * Why a bid window closed with no award: bidders that all declined or failed, and what the
 * advertised capacity records say (see explainNoMatch) — or that matching workers exist but
 * stayed silent.
 */
export async function whyNoBids(job: SchedulerJob, ctx: RunContext, now: number): Promise<string[]> {
  const reasons: string[] = []
  const excluded = new Set([...job.failedWorkers, ...job.declinedWorkers])
  const windowSeconds = ctx.options.bidWindowMs / 1000
  if (job.bids.length > 0) {
    reasons.push(`${job.bids.length} workers bid, but each declined the award or failed a task of this job`)
  }
  const capacity = ctx.ports.capacity
  if (capacity === undefined) {
    if (job.bids.length === 0) reasons.push(`no worker bid within the ${windowSeconds} s bid window`)
    return reasons
  }
  try {
    const explanation = explainNoMatch(job.spec, await capacity.workers(), now, ctx.kinds)
    if (!explanation.canMatch) return [...reasons, ...explanation.reasons]
    const fresh = explanation.candidates.filter((worker) => !excluded.has(worker))
    if (fresh.length === 0) {
      reasons.push('every advertised worker that matches already declined or failed this job')
    } else {
      reasons.push(
        `${fresh.length} advertised workers match the job but none bid within the ${windowSeconds} s bid window; they may be outside their allowed hours or not connected to this node`
      )
    }
  } catch (err) {
    reasons.push(`no worker bid, and the capacity records could not be read: ${describeError(err)}`)
  }
  return reasons
}
