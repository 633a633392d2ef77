import { CID } from 'multiformats/cid'
import { MAX_CLASSES, MAX_COLUMNS, MAX_IMAGE_SIDE, MAX_ROWS } from '../../../node/trainer/constants.js'
import { TrainSpecError } from '../../../node/trainer/errors.js'
import { type ModelSpec, trainParamErrors } from '../../../node/trainer/spec.js'
import { resolveModel } from '../../../node/trainer/templates.js'
import { MAX_INPUT_BYTES } from '../../spec/constants.js'
import { checkInteger, checkObject, FieldErrors, isPlainObject } from '../../spec/field-checks.js'
import type { JobSpec } from '../../spec/types.js'
import type { TrainDatasetInfo } from './types.js'

const INFO = ['rows', 'features', 'classes', 'bytes']
/** One award carries every epoch, and an award lists at most 4096 units (the market protocol's limit). */
export const MAX_TRAIN_EPOCHS = 4096

/** The model's weight count for data of this shape, or a TrainSpecError when they do not fit. */
export function modelParamsFor(model: ModelSpec, info: TrainDatasetInfo): number {
  return resolveModel(model, info.features, info.classes).summary.params
}

/**
 * Field errors for `spec.train` (paths start with `train.`): the trainer's own checks (model
 * safety included), the dataset summary, and whether the model fits data of that shape.
 */
export function validateTrainJobParams(params: unknown, _spec: JobSpec): Record<string, string> {
  const errors = new FieldErrors()
  if (!isPlainObject(params)) {
    errors.add('train', 'give the training parameters as an object')
    return errors.fields
  }
  const { datasetInfo, ...trainer } = params
  for (const [path, message] of Object.entries(trainParamErrors(trainer))) {
    errors.add(path === '' ? 'train' : `train.${path}`, message)
  }
  const cid = (trainer.dataset as { cid?: unknown } | undefined)?.cid
  if (typeof cid === 'string' && !isCid(cid)) {
    errors.add('train.dataset.cid', 'give the CID of the dataset as added to this node')
  }
  const epochs = trainer.epochs
  if (typeof epochs === 'number' && epochs > MAX_TRAIN_EPOCHS) {
    errors.add(
      'train.epochs',
      `give at most ${MAX_TRAIN_EPOCHS} epochs per job; submit a longer run as several jobs`
    )
  }
  const info = checkDatasetInfo(errors, datasetInfo, trainer.dataset)
  if (errors.count === 0 && info !== undefined) {
    try {
      modelParamsFor(trainer.model as ModelSpec, info)
    } catch (err) {
      if (!(err instanceof TrainSpecError)) throw err
      for (const [path, message] of Object.entries(err.fields)) errors.add(`train.${path}`, message)
    }
  }
  return errors.fields
}

function checkDatasetInfo(
  errors: FieldErrors,
  value: unknown,
  dataset: unknown
): TrainDatasetInfo | undefined {
  if (!checkObject(errors, 'train.datasetInfo', value, INFO)) return undefined
  // an image's pixels are its features: up to MAX_IMAGE_SIDE² × 3 of them
  const shape =
    (dataset as { format?: unknown; imageShape?: unknown } | undefined)?.format === 'image-folder'
      ? (dataset as { imageShape?: unknown }).imageShape
      : undefined
  const maxFeatures = shape !== undefined ? MAX_IMAGE_SIDE * MAX_IMAGE_SIDE * 3 : MAX_COLUMNS
  const ok = [
    checkInteger(errors, 'train.datasetInfo.rows', value.rows, 2, MAX_ROWS),
    checkInteger(errors, 'train.datasetInfo.features', value.features, 1, maxFeatures),
    checkInteger(errors, 'train.datasetInfo.classes', value.classes, 2, MAX_CLASSES),
    checkInteger(errors, 'train.datasetInfo.bytes', value.bytes, 1, MAX_INPUT_BYTES)
  ].every(Boolean)
  if (ok && Array.isArray(shape) && shape.every((d) => typeof d === 'number')) {
    const pixels = shape.reduce((a: number, b: number) => a * b, 1)
    if (value.features !== pixels) {
      errors.add(
        'train.datasetInfo.features',
        `images of [${shape.join(', ')}] have ${pixels} values, not ${value.features}`
      )
      return undefined
    }
  }
  return ok ? (value as unknown as TrainDatasetInfo) : undefined
}

function isCid(text: string): boolean {
  try {
    CID.parse(text)
    return true
  } catch {
    return false
  }
}
