import {
  checkInteger,
  checkObject,
  checkOneOf,
  checkString,
  describe,
  FieldErrors,
  join
} from '../../scheduler/spec/field-checks.js'
import {
  MAX_BATCH_SIZE,
  MAX_EPOCHS,
  MAX_INPUT_DIM,
  MAX_LAYER_UNITS,
  MAX_LEARNING_RATE,
  MAX_PATIENCE
} from './constants.js'
import { TrainSpecError } from './errors.js'
import { imageShapeErrors } from './image-resize.js'
import { checkModelTopology } from './model-safety.js'

export const TEMPLATE_NAMES = ['mlp', 'cnn-small', 'lstm-small'] as const
export const DATASET_FORMATS = ['csv', 'image-folder', 'npy'] as const
/** Optimizers whose state tfjs can save and restore (Adamax cannot, so it is not offered). */
export const OPTIMIZERS = ['sgd', 'momentum', 'adam', 'rmsprop', 'adagrad', 'adadelta'] as const
export const LOSSES = [
  'categoricalCrossentropy',
  'sparseCategoricalCrossentropy',
  'meanSquaredError'
] as const
export const METRICS = ['accuracy'] as const

export type TemplateName = (typeof TEMPLATE_NAMES)[number]
export type OptimizerName = (typeof OPTIMIZERS)[number]
export type LossName = (typeof LOSSES)[number]

/** A model given as data: a tfjs layers topology (`model.toJSON(null, false)`), never code. */
export interface LayersModelSpec {
  kind: 'layers'
  topology: Record<string, unknown>
}

/** A built-in architecture sized from the dataset (features in, classes out). */
export interface TemplateModelSpec {
  kind: 'template'
  name: TemplateName
  /** Units of the hidden Dense layers (mlp), the LSTM (lstm-small) or the Dense after the convolutions (cnn-small). */
  hidden?: number[]
  /** Filters of the convolution blocks (cnn-small). */
  filters?: number[]
  /** Dropout rate after each hidden layer, 0 = none. */
  dropout?: number
  /** How each row's features are shaped for the model, e.g. [28, 28, 1] for cnn-small; product = feature count. */
  inputShape?: number[]
}

export type ModelSpec = LayersModelSpec | TemplateModelSpec

export interface DatasetSpec {
  /** CID of the dataset asset (the CSV file, the folder with x.npy and y.npy, or the folder of class subfolders of images). */
  cid: string
  name: string
  format: (typeof DATASET_FORMATS)[number]
  /** CSV: the header name of the label column. */
  labelColumn?: string
  /** image-folder: [height, width, channels] every image is resized to (channels 1 = gray, 3 = RGB). */
  imageShape?: number[]
}

export interface Preprocessing {
  /** Scale each feature to mean 0, std 1 (statistics from the training split only). */
  normalize: boolean
  /** Labels as one-hot vectors (categorical losses) instead of class indices (sparse loss). */
  oneHot: boolean
  /** Seed of the deterministic shuffle (split and per-epoch batches). */
  shuffleSeed: number
  /** Fraction of the worker's rows kept for validation, 0 to 0.5. */
  validationSplit: number
}

export interface EarlyStopping {
  /** Epochs without an improvement of the validation loss by more than minDelta before stopping. */
  patience: number
  minDelta: number
}

/** Parameters of a training job (`spec.train`). */
export interface TrainParams {
  model: ModelSpec
  dataset: DatasetSpec
  preprocessing: Preprocessing
  optimizer: OptimizerName
  learningRate: number
  loss: LossName
  metrics: (typeof METRICS)[number][]
  epochs: number
  batchSize: number
  earlyStopping?: EarlyStopping
}

const PARAMS = [
  'model',
  'dataset',
  'preprocessing',
  'optimizer',
  'learningRate',
  'loss',
  'metrics',
  'epochs',
  'batchSize',
  'earlyStopping'
]

function checkNumber(errors: FieldErrors, path: string, value: unknown, min: number, max: number): boolean {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min || value > max) {
    errors.add(path, `give a number from ${min} to ${max}, not ${describe(value)}`)
    return false
  }
  return true
}

function checkIntList(errors: FieldErrors, path: string, value: unknown, max: number, what: string): void {
  if (value === undefined) return
  if (!Array.isArray(value) || value.length < 1 || value.length > 8) {
    errors.add(path, `give a list of 1 to 8 ${what}`)
    return
  }
  value.forEach((v, i) => {
    checkInteger(errors, join(path, i), v, 1, max)
  })
}

function checkModel(errors: FieldErrors, model: unknown): void {
  if (
    !checkObject(errors, 'model', model, [
      'kind',
      'topology',
      'name',
      'hidden',
      'filters',
      'dropout',
      'inputShape'
    ])
  )
    return
  if (!checkOneOf(errors, 'model.kind', model.kind, ['layers', 'template'] as const)) return
  if (model.kind === 'layers') {
    for (const key of ['name', 'hidden', 'filters', 'dropout', 'inputShape']) {
      if (key in model) errors.add(join('model', key), 'only template models take this; remove it')
    }
    checkModelTopology(errors, 'model.topology', model.topology)
    return
  }
  if ('topology' in model)
    errors.add('model.topology', 'template models are built from their name; remove it')
  checkOneOf(errors, 'model.name', model.name, TEMPLATE_NAMES)
  checkIntList(
    errors,
    'model.hidden',
    model.hidden,
    MAX_LAYER_UNITS,
    `layer sizes from 1 to ${MAX_LAYER_UNITS}`
  )
  checkIntList(
    errors,
    'model.filters',
    model.filters,
    MAX_LAYER_UNITS,
    `filter counts from 1 to ${MAX_LAYER_UNITS}`
  )
  checkIntList(errors, 'model.inputShape', model.inputShape, MAX_INPUT_DIM, 'dimensions')
  if (model.dropout !== undefined) checkNumber(errors, 'model.dropout', model.dropout, 0, 0.9)
  if (model.name === 'cnn-small' && model.inputShape === undefined) {
    errors.add('model.inputShape', 'cnn-small needs the image shape of each row, e.g. [28, 28, 1]')
  }
}

function checkDataset(errors: FieldErrors, dataset: unknown): void {
  if (!checkObject(errors, 'dataset', dataset, ['cid', 'name', 'format', 'labelColumn', 'imageShape'])) return
  checkString(errors, 'dataset.cid', dataset.cid, 200)
  checkString(errors, 'dataset.name', dataset.name, 255)
  if (!checkOneOf(errors, 'dataset.format', dataset.format, DATASET_FORMATS)) return
  if (dataset.format === 'image-folder') {
    errors.merge(imageShapeErrors('dataset.imageShape', dataset.imageShape))
  } else if (dataset.imageShape !== undefined) {
    errors.add('dataset.imageShape', 'only image-folder datasets are resized to a shape; remove it')
  }
  if (dataset.format === 'csv') {
    checkString(errors, 'dataset.labelColumn', dataset.labelColumn, 255)
  } else if (dataset.labelColumn !== undefined) {
    errors.add(
      'dataset.labelColumn',
      dataset.format === 'npy'
        ? 'npy datasets take their labels from y.npy; remove it'
        : 'image folders take their labels from the class subfolders; remove it'
    )
  }
}

/** An image folder's shape and a cnn-small's input shape must be the same image. */
function checkImageModel(errors: FieldErrors, model: unknown, dataset: unknown): void {
  const d = dataset as Record<string, unknown> | undefined
  const m = model as Record<string, unknown> | undefined
  if (d?.format !== 'image-folder' || m?.kind !== 'template' || m.name !== 'cnn-small') return
  if (!Array.isArray(d.imageShape) || !Array.isArray(m.inputShape)) return
  if (m.inputShape.join() !== d.imageShape.join()) {
    errors.add(
      'model.inputShape',
      `cnn-small takes the images as they are; give the dataset's imageShape [${d.imageShape.join(', ')}]`
    )
  }
}

function checkPreprocessing(errors: FieldErrors, value: unknown): void {
  const keys = ['normalize', 'oneHot', 'shuffleSeed', 'validationSplit']
  if (!checkObject(errors, 'preprocessing', value, keys)) return
  for (const key of ['normalize', 'oneHot']) {
    if (typeof value[key] !== 'boolean') errors.add(join('preprocessing', key), 'give true or false')
  }
  checkInteger(errors, 'preprocessing.shuffleSeed', value.shuffleSeed, 0, 0xffff_ffff)
  checkNumber(errors, 'preprocessing.validationSplit', value.validationSplit, 0, 0.5)
}

/** Field errors of training parameters (paths relative to `spec.train`); empty when valid and safe. */
export function trainParamErrors(input: unknown): Record<string, string> {
  const errors = new FieldErrors()
  if (!checkObject(errors, '', input, PARAMS)) return { train: errors.fields[''] ?? 'give an object' }
  checkModel(errors, input.model)
  checkDataset(errors, input.dataset)
  checkImageModel(errors, input.model, input.dataset)
  checkPreprocessing(errors, input.preprocessing)
  checkOneOf(errors, 'optimizer', input.optimizer, OPTIMIZERS)
  if (
    checkNumber(errors, 'learningRate', input.learningRate, 0, MAX_LEARNING_RATE) &&
    input.learningRate === 0
  ) {
    errors.add('learningRate', 'give a learning rate above 0, e.g. 0.01')
  }
  const loss = checkOneOf(errors, 'loss', input.loss, LOSSES) ? input.loss : undefined
  const oneHot = (input.preprocessing as Record<string, unknown> | undefined)?.oneHot
  if (loss === 'sparseCategoricalCrossentropy' && oneHot === true) {
    errors.add('loss', 'sparseCategoricalCrossentropy takes class indices; set preprocessing.oneHot to false')
  } else if (loss !== undefined && loss !== 'sparseCategoricalCrossentropy' && oneHot === false) {
    errors.add('loss', `${loss} takes one-hot labels; set preprocessing.oneHot to true`)
  }
  if (input.metrics !== undefined) {
    if (!Array.isArray(input.metrics) || input.metrics.length > METRICS.length) {
      errors.add('metrics', `give a list of ${METRICS.join(', ')}`)
    } else {
      input.metrics.forEach((m, i) => {
        checkOneOf(errors, join('metrics', i), m, METRICS)
      })
    }
  }
  checkInteger(errors, 'epochs', input.epochs, 1, MAX_EPOCHS)
  checkInteger(errors, 'batchSize', input.batchSize, 1, MAX_BATCH_SIZE)
  if (input.earlyStopping !== undefined) {
    const es = input.earlyStopping
    if (checkObject(errors, 'earlyStopping', es, ['patience', 'minDelta'])) {
      checkInteger(errors, 'earlyStopping.patience', es.patience, 1, MAX_PATIENCE)
      checkNumber(errors, 'earlyStopping.minDelta', es.minDelta, 0, 1000)
      const split = (input.preprocessing as Record<string, unknown> | undefined)?.validationSplit
      if (split === 0)
        errors.add(
          'earlyStopping',
          'early stopping watches the validation loss; give a validationSplit above 0'
        )
    }
  }
  return errors.fields
}

/**
 * Checks training parameters, model safety included (layer allow-list, sizes, parameter count),
 * and returns a clean copy with defaults filled in. Throws TrainSpecError with field errors.
 */
export function validateTrainParams(input: unknown): TrainParams {
  const fields = trainParamErrors(input)
  if (Object.keys(fields).length > 0) throw new TrainSpecError(fields)
  const p = input as TrainParams
  const m = p.model
  const model: ModelSpec =
    m.kind === 'layers'
      ? { kind: 'layers', topology: m.topology }
      : {
          kind: 'template',
          name: m.name,
          ...(m.hidden && { hidden: [...m.hidden] }),
          ...(m.filters && { filters: [...m.filters] }),
          ...(m.dropout !== undefined && { dropout: m.dropout }),
          ...(m.inputShape && { inputShape: [...m.inputShape] })
        }
  const d = p.dataset
  const pre = p.preprocessing
  return {
    model,
    dataset: {
      cid: d.cid,
      name: d.name,
      format: d.format,
      ...(d.labelColumn !== undefined && { labelColumn: d.labelColumn }),
      ...(d.imageShape !== undefined && { imageShape: [...d.imageShape] })
    },
    preprocessing: {
      normalize: pre.normalize,
      oneHot: pre.oneHot,
      shuffleSeed: pre.shuffleSeed,
      validationSplit: pre.validationSplit
    },
    optimizer: p.optimizer,
    learningRate: p.learningRate,
    loss: p.loss,
    metrics: p.metrics ? [...p.metrics] : ['accuracy'],
    epochs: p.epochs,
    batchSize: p.batchSize,
    ...(p.earlyStopping && {
      earlyStopping: { patience: p.earlyStopping.patience, minDelta: p.earlyStopping.minDelta }
    })
  }
}
