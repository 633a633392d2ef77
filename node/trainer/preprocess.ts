import { classesOf, rowCount, shuffledIndices, subset, type TabularDataset } from './dataset.js'
import { DatasetError } from './errors.js'
import type { Preprocessing } from './spec.js'

/** Per-feature mean and standard deviation, fitted on the training split only. */
export interface Normalization {
  mean: number[]
  std: number[]
}

/** Rows ready for tfjs: float32 features (normalised if asked) and class indices. */
export interface TensorData {
  x: Float32Array
  /** Class index of each row (into PreparedData.classes). */
  y: Int32Array
  rows: number
  featureCount: number
  classCount: number
}

export interface PreparedData {
  classes: string[]
  normalization?: Normalization
  train: TensorData
  validation: TensorData
}

export function fitNormalization(dataset: TabularDataset): Normalization {
  const width = dataset.featureNames.length
  const rows = rowCount(dataset)
  const mean = new Array<number>(width).fill(0)
  const std = new Array<number>(width).fill(0)
  for (let r = 0; r < rows; r++) for (let c = 0; c < width; c++) mean[c]! += dataset.features[r * width + c]!
  for (let c = 0; c < width; c++) mean[c]! /= rows
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < width; c++) std[c]! += (dataset.features[r * width + c]! - mean[c]!) ** 2
  }
  // a constant feature keeps its scale instead of dividing by zero
  return { mean, std: std.map((s) => Math.sqrt(s / rows) || 1) }
}

/**
 * Encodes rows for training or evaluation with the classes and normalization of the training
 * data. Rows whose label is not among `classes` cannot be scored and are left out (counted).
 */
export function encodeRows(
  dataset: TabularDataset,
  classes: readonly string[],
  normalization?: Normalization
): TensorData & { unknownLabels: number } {
  const width = dataset.featureNames.length
  const index = new Map(classes.map((c, i) => [c, i]))
  const keep = dataset.labels.flatMap((label, row) => (index.has(label) ? [row] : []))
  const x = new Float32Array(keep.length * width)
  const y = new Int32Array(keep.length)
  keep.forEach((row, i) => {
    for (let c = 0; c < width; c++) {
      const value = dataset.features[row * width + c]!
      x[i * width + c] = normalization ? (value - normalization.mean[c]!) / normalization.std[c]! : value
    }
    y[i] = index.get(dataset.labels[row]!)!
  })
  return {
    x,
    y,
    rows: keep.length,
    featureCount: width,
    classCount: classes.length,
    unknownLabels: rowCount(dataset) - keep.length
  }
}

/** The seed of epoch `epoch`'s batch order, derived from the job's shuffle seed. */
export function epochSeed(shuffleSeed: number, epoch: number): number {
  return (shuffleSeed ^ Math.imul(epoch, 0x9e3779b9)) >>> 0
}

/**
 * The deterministic split a worker trains on: rows shuffled by `shuffleSeed`, the last
 * `validationSplit` of them for validation, classes from the whole worker dataset, normalization
 * fitted on the training split. The requester calls it too, on the exact rows it sent, to score
 * a delivered model on the worker's own validation rows.
 */
export function prepareTrainingData(dataset: TabularDataset, pre: Preprocessing): PreparedData {
  const n = rowCount(dataset)
  const classes = classesOf(dataset)
  const order = shuffledIndices(n, pre.shuffleSeed)
  const validationRows = Math.floor(n * pre.validationSplit)
  if (n - validationRows < 1 || (pre.validationSplit > 0 && validationRows === 0)) {
    throw new DatasetError(`${n} rows are too few for a validation split of ${pre.validationSplit}`)
  }
  const train = subset(dataset, order.slice(0, n - validationRows))
  const validation = subset(dataset, order.slice(n - validationRows))
  const normalization = pre.normalize ? fitNormalization(train) : undefined
  const encode = (part: TabularDataset): TensorData => {
    const { unknownLabels: _, ...data } = encodeRows(part, classes, normalization)
    return data
  }
  return {
    classes,
    ...(normalization && { normalization }),
    train: encode(train),
    validation: encode(validation)
  }
}
