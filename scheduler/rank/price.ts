import { minBigInt } from '../pricing.js'
import type { Bid, Ranker } from './types.js'

const SCALE = 1_000_000n

/** Cheapest bid scores 1; a bid at twice the cheapest price scores 0.5. */
export const priceRanker: Ranker = (bids: readonly Bid[]): number[] => {
  if (bids.length === 0) return []
  const cheapest = bids.reduce((min, bid) => minBigInt(min, bid.pricePerUnit), bids[0]!.pricePerUnit)
  return bids.map((bid) => {
    if (bid.pricePerUnit <= 0n) return 1
    return Number((cheapest * SCALE) / bid.pricePerUnit) / Number(SCALE)
  })
}
