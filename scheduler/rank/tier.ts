import type { Bid, Ranker } from './types.js'

/** Trusted partners (staked, company-vetted) score 1, global workers 0. */
export const tierRanker: Ranker = (bids: readonly Bid[]): number[] =>
  bids.map((bid) => (bid.tier === 'trusted' ? 1 : 0))
