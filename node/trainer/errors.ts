import { RynusError } from '../../protocols/common/errors.js'

/** The training parameters are invalid or unsafe (an unknown layer class, an absurd size, …). */
export class TrainSpecError extends RynusError {
  /** Field path (e.g. `model.topology.config.layers[1].config.units`) → what to change. */
  readonly fields: Record<string, string>

  constructor(fields: Record<string, string>) {
    const entries = Object.entries(fields)
    const first = entries
      .slice(0, 3)
      .map(([path, problem]) => `${path}: ${problem}`)
      .join('; ')
    const more = entries.length > 3 ? ` (and ${entries.length - 3} more)` : ''
    super(`the training job is invalid: ${first}${more}`, 'ERR_TRAIN_SPEC')
    this.fields = fields
  }
}

/** The dataset cannot be used: malformed CSV, a non-numeric feature, a missing label column, … */
export class DatasetError extends RynusError {
  constructor(message: string) {
    super(`the dataset cannot be used: ${message}`, 'ERR_TRAIN_DATASET')
  }
}

/**
 * An image folder cannot be used: a file that is no PNG/JPEG, an empty or single class, an image
 * too large to decode. `fields` maps `dataset` or `dataset["<class>/<file>"]` to the problem.
 */
export class ImageDatasetError extends DatasetError {
  readonly fields: Record<string, string>

  constructor(fields: Record<string, string>) {
    const entries = Object.entries(fields)
    const first = entries
      .slice(0, 3)
      .map(([path, problem]) => `${path}: ${problem}`)
      .join('; ')
    super(`${first}${entries.length > 3 ? ` (and ${entries.length - 3} more)` : ''}`)
    this.fields = fields
  }
}

/** A checkpoint to resume from does not belong to this job or is damaged. */
export class CheckpointError extends RynusError {
  constructor(message: string) {
    super(
      `the checkpoint cannot be resumed: ${message}; start from epoch 0 or hand over the job's own latest checkpoint`,
      'ERR_TRAIN_CHECKPOINT'
    )
  }
}

/** The loss became NaN or infinite: the learning rate is too high or the data is not normalised. */
export class TrainDivergedError extends RynusError {
  readonly epoch: number

  constructor(epoch: number, learningRate: number) {
    super(
      `training diverged in epoch ${epoch}: the loss is not a finite number. Lower the learning rate ` +
        `(now ${learningRate}) or turn on preprocessing.normalize`,
      'ERR_TRAIN_DIVERGED'
    )
    this.epoch = epoch
  }
}

/** The training process failed for another reason (crash, memory limit, bad model delivered). */
export class TrainFailedError extends RynusError {
  constructor(detail: string, code = 'ERR_TRAIN_FAILED') {
    super(`training failed: ${detail}`, code)
  }
}

/** The training passed its timeout and was killed with every process it started. */
export class TrainTimeoutError extends RynusError {
  readonly epochsDone: number

  constructor(timeoutMs: number, epochsDone: number) {
    super(
      `training did not finish within ${timeoutMs} ms (${epochsDone} epochs done) and was killed; the last ` +
        'checkpoint can be resumed with a longer timeout or fewer epochs',
      'ERR_TRAIN_TIMEOUT'
    )
    this.epochsDone = epochsDone
  }
}

/** The caller's AbortSignal stopped the training. */
export class TrainCancelledError extends RynusError {
  readonly epochsDone: number

  constructor(epochsDone: number) {
    super(
      `training was cancelled after ${epochsDone} epochs and its processes were killed`,
      'ERR_TRAIN_CANCELLED'
    )
    this.epochsDone = epochsDone
  }
}

/** An error a training worker reported, with the worker's own code and message. */
export class TrainWorkerError extends RynusError {}

/** Rebuilds a typed error from what a training worker reported (its code, message and field errors). */
export function errorFromWorker(
  code: string | undefined,
  message: string,
  fields?: Record<string, string>
): RynusError {
  if (code === 'ERR_TRAIN_SPEC' && fields !== undefined && Object.keys(fields).length > 0) {
    return new TrainSpecError(fields)
  }
  const known = ['ERR_TRAIN_SPEC', 'ERR_TRAIN_DATASET', 'ERR_TRAIN_CHECKPOINT', 'ERR_TRAIN_DIVERGED']
  if (code !== undefined && known.includes(code)) return new TrainWorkerError(message, code)
  return new TrainFailedError(message)
}
