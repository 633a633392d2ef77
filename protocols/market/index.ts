/**
 * `/rynus/market/1.0.0`: signed bids (worker → requester) and awards (requester → worker),
 * one request per stream, each answered accepted or declined. Also the token-amount codec,
 * signed-message helpers and the one-request stream used by `protocols/job`.
 */
import { MarketService, type MarketServiceComponents, type MarketServiceOptions } from './market.js'

export { decodeAmount, encodeAmount, MAX_AMOUNT } from './amount.js'
export {
  type Award,
  type Bid,
  decodeAward,
  decodeBid,
  decodeReply,
  encodeAward,
  encodeBid,
  encodeReply,
  type MarketReply,
  type Signed,
  type Tier,
  validateAward,
  validateBid
} from './codec.js'
export * from './constants.js'
export * from './errors.js'
export {
  type AwardHandler,
  type BidHandler,
  MarketService,
  type MarketServiceComponents,
  type MarketServiceOptions,
  type SendOptions
} from './market.js'

/** Builds the market service; `node/` starts and stops it with the node. */
export function createMarketService(
  opts: MarketServiceOptions,
  components: MarketServiceComponents
): MarketService {
  return new MarketService(opts, components)
}
