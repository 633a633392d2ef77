import type { Bid, RankContext, Ranker } from './types.js'

/** A uniform random score per bid from the injected RNG, so close bids take turns and new workers get tried. */
export const explorationRanker: Ranker = (bids: readonly Bid[], context: RankContext): number[] =>
  bids.map(() => Math.min(1, Math.max(0, context.rng())))
