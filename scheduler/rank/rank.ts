import { explorationRanker } from './exploration.js'
import { failuresRanker } from './failures.js'
import { latencyRanker } from './latency.js'
import { priceRanker } from './price.js'
import { speedRanker } from './speed.js'
import { tierRanker } from './tier.js'
import {
  type Bid,
  EMPTY_HISTORY,
  type Ranker,
  type RankHistory,
  type RankPolicy,
  type RankWeights
} from './types.js'

const RANKERS: Record<keyof RankWeights, Ranker> = {
  price: priceRanker,
  speed: speedRanker,
  latency: latencyRanker,
  tier: tierRanker,
  failures: failuresRanker,
  exploration: explorationRanker
}

export interface ScoredBid {
  bid: Bid
  /** Weighted mean of the rankers' scores, in [0, 1]. */
  score: number
  /** Each ranker's score, for logs and the API ("why was this worker chosen"). */
  parts: Record<keyof RankWeights, number>
}

/** Each bid with its combined score, best first. */
export function scoreBids(
  bids: readonly Bid[],
  policy: RankPolicy,
  rng: () => number,
  history: RankHistory = EMPTY_HISTORY
): ScoredBid[] {
  const context = { history, rng }
  const names = Object.keys(RANKERS) as Array<keyof RankWeights>
  const totalWeight = names.reduce((sum, name) => sum + Math.max(0, policy.weights[name]), 0)
  const columns = names.map((name) => RANKERS[name](bids, context))
  const scored = bids.map((bid, i) => {
    const parts = Object.fromEntries(names.map((name, n) => [name, columns[n]![i]!])) as ScoredBid['parts']
    const sum = names.reduce((acc, name) => acc + Math.max(0, policy.weights[name]) * parts[name], 0)
    return { bid, score: totalWeight > 0 ? sum / totalWeight : 0, parts }
  })
  return scored.sort(compareScored)
}

/** The bids ordered best first (see `scoreBids`). Ties go to the lower price, then the earlier bid. */
export function rank(
  bids: readonly Bid[],
  policy: RankPolicy,
  rng: () => number,
  history: RankHistory = EMPTY_HISTORY
): Bid[] {
  return scoreBids(bids, policy, rng, history).map((scored) => scored.bid)
}

function compareScored(a: ScoredBid, b: ScoredBid): number {
  if (a.score !== b.score) return b.score - a.score
  if (a.bid.pricePerUnit !== b.bid.pricePerUnit) return a.bid.pricePerUnit < b.bid.pricePerUnit ? -1 : 1
  if (a.bid.receivedAt !== b.bid.receivedAt) return a.bid.receivedAt - b.bid.receivedAt
  return a.bid.worker < b.bid.worker ? -1 : a.bid.worker > b.bid.worker ? 1 : 0
}
