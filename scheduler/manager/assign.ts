import type { Bid } from '../rank/types.js'

export interface AwardPlan {
  /** Index of the waiting task. */
  taskIndex: number
  bid: Bid
}

/**
 * Which waiting task goes to which bidder, pure. `ranked` holds only eligible bids, best first.
 * A worker holds at most `freeSlots` tasks of the job at once; at most `maxWorkers` distinct
 * workers hold tasks. Each task goes to the eligible worker holding the fewest tasks, the better
 * ranked on a tie, so work spreads before it stacks.
 */
export function planAwards(
  waiting: ReadonlyArray<{ index: number }>,
  ranked: readonly Bid[],
  activeByWorker: ReadonlyMap<string, number>,
  maxWorkers: number
): AwardPlan[] {
  const active = new Map(activeByWorker)
  const busyWorkers = (): number => [...active.values()].filter((n) => n > 0).length
  const plans: AwardPlan[] = []
  for (const task of waiting) {
    let chosen: Bid | undefined
    for (const bid of ranked) {
      const holding = active.get(bid.worker) ?? 0
      if (holding >= Math.max(1, bid.freeSlots)) continue
      if (holding === 0 && busyWorkers() >= maxWorkers) continue
      if (chosen === undefined || holding < (active.get(chosen.worker) ?? 0)) chosen = bid
    }
    if (chosen === undefined) break
    active.set(chosen.worker, (active.get(chosen.worker) ?? 0) + 1)
    plans.push({ taskIndex: task.index, bid: chosen })
  }
  return plans
}
