import type { JobKind, JobSpec, TaskPlan, WorkRatio } from '../../spec/types.js'
import type { TrainJobParams } from './types.js'
import { modelParamsFor, validateTrainJobParams } from './validate.js'

/**
 * Floating-point operations of training counted as one reference unit (the unit a worker's price
 * floor is quoted for: a 1-megapixel frame at 128 samples). 10^12 is about what that frame costs a
 * GPU in seconds, and about ten seconds of the wasm backend on one CPU core.
 */
export const TRAIN_REFERENCE_FLOPS = 10n ** 12n

/** Training arithmetic per weight and sample: 2 for the forward pass, 4 for the backward pass. */
export const FLOPS_PER_WEIGHT_PER_SAMPLE = 6n

function params(spec: JobSpec): TrainJobParams {
  if (spec.train === undefined) throw new TypeError('a train job spec has no train parameters')
  return spec.train
}

/** The epochs of a job, 1-based and ascending. */
export function epochsOf(spec: JobSpec): number[] {
  return Array.from({ length: params(spec).epochs }, (_, i) => i + 1)
}

/**
 * The train job kind. Units are epochs (1-based); one task holds them all because training is
 * sequential — a lost task is resumed by the next worker from the last checkpoint, not redone.
 * Work per epoch = 6 × model weights × rows of the data sent (dense arithmetic: weights reused
 * across positions, as in convolutions and LSTMs, count once, so such models are priced low).
 * Required capabilities: `train`, then the requester's own keys. A GPU is needed only when the
 * requirements ask for one (tfjs trains on a CPU everywhere).
 */
export const trainJobKind: JobKind = {
  name: 'train',
  unitName: 'epoch',
  validate: validateTrainJobParams,
  units: (spec: JobSpec): number => params(spec).epochs,
  requiredCapabilities: (spec: JobSpec): string[] => [
    ...new Set(['train', ...spec.requirements.capabilities])
  ],
  needsGpu: (spec: JobSpec): boolean => {
    const r = spec.requirements
    return (r.minVramBytes ?? 0) > 0 || r.gpuVendor !== undefined || r.gpuModel !== undefined
  },
  workPerUnit(spec: JobSpec): WorkRatio {
    const train = params(spec)
    const weights = BigInt(modelParamsFor(train.model, train.datasetInfo))
    return {
      num: FLOPS_PER_WEIGHT_PER_SAMPLE * weights * BigInt(train.datasetInfo.rows),
      den: TRAIN_REFERENCE_FLOPS
    }
  },
  split: (spec: JobSpec): TaskPlan[] => [{ index: 0, units: epochsOf(spec) }]
}
