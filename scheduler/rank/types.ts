export type WorkerTier = 'global' | 'trusted'

/** A worker's bid for a job as the scheduler ranks it (the market layer fills it from a signed Bid). */
export interface Bid {
  /** Peer id of the bidding worker (the verified signer). */
  worker: string
  /** Token base units per unit of work (render: per frame). */
  pricePerUnit: bigint
  /** The worker's estimate of seconds per unit. */
  etaSecondsPerUnit: number
  gpuModel: string
  vramBytes: number
  /** Tasks the worker can run at once right now. */
  freeSlots: number
  tier: WorkerTier
  /** Round-trip time to the worker, when measured. */
  latencyMs?: number
  /** ms since the epoch, when the bid arrived. */
  receivedAt: number
}

/** What the scheduler remembers about workers' failures. */
export interface RankHistory {
  /** Workers that failed a task of this job: never chosen again for it. */
  failedForJob: ReadonlySet<string>
  /** Failed tasks per worker over every job this node ran. */
  globalFailures: ReadonlyMap<string, number>
}

export const EMPTY_HISTORY: RankHistory = { failedForJob: new Set(), globalFailures: new Map() }

/** Everything a ranker may look at besides the bids. */
export interface RankContext {
  history: RankHistory
  rng: () => number
}

/** Scores each bid in [0, 1] (1 = best on this ranker's criterion), aligned with `bids`. */
export type Ranker = (bids: readonly Bid[], context: RankContext) => number[]

export interface RankWeights {
  price: number
  speed: number
  latency: number
  tier: number
  failures: number
  exploration: number
}

export interface RankPolicy {
  weights: RankWeights
}

/** Price first, then speed; failures and tier matter; a pinch of randomness so new workers get tried. */
export const DEFAULT_RANK_POLICY: RankPolicy = {
  weights: { price: 0.4, speed: 0.25, latency: 0.1, tier: 0.1, failures: 0.1, exploration: 0.05 }
}
