/**
 * Job offers on gossip topic `rynus/offers/1`: the codec, the validator that turns every
 * message into ACCEPT / REJECT / IGNORE, and the OfferBoard service.
 */
import { OfferBoard, type OfferBoardComponents, type OfferBoardOptions } from './offers.js'

export { decodeOffer, encodeOffer, type JobOffer, type OfferRequirements, validateOffer } from './codec.js'
export * from './constants.js'
export * from './errors.js'
export {
  OfferBoard,
  type OfferBoardComponents,
  type OfferBoardOptions,
  type OfferListener,
  type OfferStats
} from './offers.js'
export { OfferValidator, type OfferValidatorOptions, verdictOf } from './validator.js'

/** Builds the offer board; `node/` starts and stops it with the node. */
export function createOfferBoard(opts: OfferBoardOptions, components: OfferBoardComponents): OfferBoard {
  return new OfferBoard(opts, components)
}
