/**
 * `/rynus/pin/1.0.0`: a node asks a super-peer to keep a DAG (a job's spec, inputs or
 * results) for a while, so it stays reachable over bitswap and the super-peer's HTTP gateway
 * after the node goes offline. One request per stream, answered accepted (with an expiry) or
 * refused (with a code).
 */
import { PinService, type PinServiceComponents, type PinServiceOptions } from './pin.js'

export { assertPinned, connectedPinServers, type RequestPinOptions, requestPin } from './client.js'
export {
  decodePinAnswer,
  decodePinRequest,
  encodePinAnswer,
  encodePinRequest,
  type PinAnswer,
  type PinRequest
} from './codec.js'
export * from './constants.js'
export * from './errors.js'
export { PinService, type PinServiceComponents, type PinServiceOptions } from './pin.js'
export type { PinLimits } from './pin-keeper.js'

/** Builds the pin service; `node/` starts it on super-peers and stops it with the node. */
export function createPinService(opts: PinServiceOptions, components: PinServiceComponents): PinService {
  return new PinService(opts, components)
}
