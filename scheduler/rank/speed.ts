import type { Bid, Ranker } from './types.js'

const FASTEST_CREDIBLE_SECONDS = 0.01

/** Fastest estimate scores 1; half as fast scores 0.5. Estimates below 10 ms count as 10 ms. */
export const speedRanker: Ranker = (bids: readonly Bid[]): number[] => {
  const etas = bids.map((bid) =>
    Math.max(FASTEST_CREDIBLE_SECONDS, finiteOr(bid.etaSecondsPerUnit, Infinity))
  )
  const fastest = Math.min(...etas)
  return etas.map((eta) => (Number.isFinite(eta) ? fastest / eta : 0))
}

function finiteOr(value: number, fallback: number): number {
  return Number.isFinite(value) && value >= 0 ? value : fallback
}
