import type { Bid, Ranker } from './types.js'

const UNMEASURED_SCORE = 0.5
const MIN_LATENCY_MS = 1

/** Nearest worker scores 1, twice the round trip 0.5; a worker with no measurement scores 0.5. */
export const latencyRanker: Ranker = (bids: readonly Bid[]): number[] => {
  const measured = bids
    .map((bid) => bid.latencyMs)
    .filter((ms): ms is number => ms !== undefined && Number.isFinite(ms) && ms >= 0)
  if (measured.length === 0) return bids.map(() => UNMEASURED_SCORE)
  const nearest = Math.max(MIN_LATENCY_MS, Math.min(...measured))
  return bids.map((bid) => {
    if (bid.latencyMs === undefined || !Number.isFinite(bid.latencyMs) || bid.latencyMs < 0)
      return UNMEASURED_SCORE
    return nearest / Math.max(MIN_LATENCY_MS, bid.latencyMs)
  })
}
