/**
 * The scheduler: pure decisions (spec validation, capability matching, pricing, splitting,
 * ranking, state machines, bidding policy, "why no bids") and the requester's JobManager that
 * drives them through injected ports. Nothing here speaks to the network or the disk directly.
 */
export { parseAllowedHours, systemUtcOffsetMinutes, withinAllowedHours } from './allowed-hours.js'
export {
  type BidDecision,
  type BidDraft,
  type BiddingPolicy,
  DEFAULT_SECONDS_PER_REFERENCE_UNIT,
  type DeclineCode,
  type DeclineReason,
  decideBid,
  type OfferToBid
} from './bidding.js'
export { capabilitySatisfied, missingCapabilities, providerKeys } from './capability.js'
export {
  gpuModelMatches,
  isOnline,
  type MatchProblem,
  type MatchResult,
  matchRequirements,
  type WorkerCapacity,
  type WorkerGpu
} from './capacity.js'
export { type Clock, FakeClock, systemClock } from './clock.js'
export * from './errors.js'
export {
  DEFAULT_JOB_MANAGER_OPTIONS,
  JobManager,
  type JobManagerEvents,
  type JobSummary
} from './job-manager.js'
export { frameCount, framesOf, renderJobKind } from './kinds/render/kind.js'
export type {
  FrameSelection,
  RenderDevice,
  RenderEngine,
  RenderFormat,
  RenderParams
} from './kinds/render/types.js'
export type * from './manager/types.js'
export { formatTokens, unitPriceFor } from './pricing.js'
export * from './rank/index.js'
export { seededRng } from './rng.js'
export * from './spec/index.js'
export { DEFAULT_MAX_UNITS_PER_TASK, splitUnits } from './split.js'
export * from './state/index.js'
export { explainNoMatch, type NoMatchExplanation } from './why-no-bids.js'
