import type { Bid, RankContext, Ranker } from './types.js'

/**
 * A worker that failed this job scores 0; otherwise 1 / (1 + failed tasks over all jobs), so one
 * past failure halves the score and a clean record scores 1.
 */
export const failuresRanker: Ranker = (bids: readonly Bid[], context: RankContext): number[] =>
  bids.map((bid) => {
    if (context.history.failedForJob.has(bid.worker)) return 0
    return 1 / (1 + (context.history.globalFailures.get(bid.worker) ?? 0))
  })
