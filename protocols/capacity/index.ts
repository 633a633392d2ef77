/**
 * Worker capacity: the signed CapacityRecord a worker keeps in the DHT under
 * /rynus/capacity/<peer id>, and the capability keys it provides so requesters find
 * candidates with findProviders.
 */
import {
  CapabilityProvider,
  type CapabilityProviderComponents,
  type CapabilityProviderOptions
} from './capability.js'
import {
  CapacityPublisher,
  type CapacityPublisherComponents,
  type CapacityPublisherOptions
} from './capacity.js'

export {
  CapabilityProvider,
  type CapabilityProviderComponents,
  type CapabilityProviderOptions,
  capabilityCid,
  type FindProvidersOptions,
  findCapabilityProviders,
  type Provider
} from './capability.js'
export {
  CapacityPublisher,
  type CapacityPublisherComponents,
  type CapacityPublisherOptions,
  type LookupCapacityOptions,
  lookupCapacity,
  type VerifiedCapacity
} from './capacity.js'
export {
  type CapacityGpu,
  type CapacityRecord,
  decodeCapacity,
  encodeCapacity,
  type GpuVendor,
  validateCapacity
} from './codec.js'
export * from './constants.js'
export * from './errors.js'

/** Builds the capacity publisher; `node/` starts and stops it with the node (workers only). */
export function createCapacityPublisher(
  opts: CapacityPublisherOptions,
  components: CapacityPublisherComponents
): CapacityPublisher {
  return new CapacityPublisher(opts, components)
}

/** Builds the capability provider; `node/` starts it and calls `update(keys)` when they change. */
export function createCapabilityProvider(
  opts: CapabilityProviderOptions,
  components: CapabilityProviderComponents
): CapabilityProvider {
  return new CapabilityProvider(opts, components)
}
