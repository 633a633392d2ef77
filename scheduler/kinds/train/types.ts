import type { TrainParams } from '../../../node/trainer/spec.js'

/**
 * What the requester measured of the rows it sends to workers (the held-out slice is not in
 * them). The trainer's parameters do not say how big the data is, and the price of an epoch
 * depends on it; a worker checks these figures against the file it fetches.
 */
export interface TrainDatasetInfo {
  /** Data rows in the file workers receive. */
  rows: number
  /** Feature columns (the label column not counted). */
  features: number
  /** Distinct labels. */
  classes: number
  /** Size of the file in bytes, so a worker can refuse what does not fit before fetching it. */
  bytes: number
}

/** `spec.train`: the trainer's parameters plus the measured size of the data workers receive. */
export type TrainJobParams = TrainParams & { datasetInfo: TrainDatasetInfo }
