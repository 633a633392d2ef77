import { seededRng } from '../../scheduler/rng.js'
import { MAX_CLASSES } from './constants.js'
import { csvField, parseCsv } from './csv.js'
import { DatasetError } from './errors.js'
import type { NpyArray } from './npy.js'

/** A table of numeric features with one label per row. */
export interface TabularDataset {
  featureNames: string[]
  /** Name of the label column (written back when the dataset is saved as CSV). */
  labelColumn: string
  /** rows × features, row-major. */
  features: Float64Array
  /** The label of each row as written in the data. */
  labels: string[]
}

export function rowCount(dataset: TabularDataset): number {
  return dataset.labels.length
}

/**
 * Reads a CSV with a header into a dataset: `labelColumn` holds the labels (any text), every
 * other column must be numeric. Throws DatasetError naming the line and column of a bad value.
 */
export function parseCsvDataset(text: string, labelColumn: string): TabularDataset {
  const { header, records } = parseCsv(text)
  const labelIndex = header.indexOf(labelColumn)
  if (labelIndex === -1) {
    throw new DatasetError(
      `the label column "${labelColumn}" is not in the header (${header.slice(0, 20).join(', ')})`
    )
  }
  if (new Set(header).size !== header.length)
    throw new DatasetError('the header names a column twice; give each column its own name')
  if (header.length < 2) throw new DatasetError('the CSV needs at least one feature column besides the label')
  if (records.length === 0) throw new DatasetError('the CSV has a header but no data rows')
  const featureNames = header.filter((_, i) => i !== labelIndex)
  const width = featureNames.length
  const features = new Float64Array(records.length * width)
  const labels: string[] = []
  records.forEach((record, row) => {
    let column = 0
    record.fields.forEach((value, i) => {
      if (i === labelIndex) return
      const number = value === '' ? Number.NaN : Number(value)
      if (!Number.isFinite(number)) {
        throw new DatasetError(
          `line ${record.line}, column "${header[i]}": ${JSON.stringify(value.slice(0, 40))} is not a number; ` +
            'feature columns must be numeric (encode categories as numbers, fill empty cells)'
        )
      }
      features[row * width + column++] = number
    })
    const label = record.fields[labelIndex]!
    if (label === '') throw new DatasetError(`line ${record.line}: the label "${labelColumn}" is empty`)
    labels.push(label)
  })
  return { featureNames, labelColumn, features, labels }
}

/** A dataset from `x.npy` (rows × features…, flattened per row) and `y.npy` (one int label per row). */
export function datasetFromNpy(x: NpyArray, y: NpyArray): TabularDataset {
  const rows = x.shape[0] ?? 0
  if (x.shape.length < 2 || rows === 0)
    throw new DatasetError('x.npy must have shape (rows, features...) with rows > 0')
  if (y.dtype !== 'int32' || y.shape.length !== 1 || y.shape[0] !== rows) {
    throw new DatasetError(`y.npy must hold ${rows} int32 class labels, shape (${rows},)`)
  }
  const width = x.data.length / rows
  const features = Float64Array.from(x.data)
  if (!features.every(Number.isFinite)) throw new DatasetError('x.npy holds NaN or infinite values')
  return {
    featureNames: Array.from({ length: width }, (_, i) => `x${i}`),
    labelColumn: 'label',
    features,
    labels: Array.from(y.data, (v) => String(v))
  }
}

/** The classes of a dataset in a fixed order: numerically when every label is a number, else by text. */
export function classesOf(dataset: TabularDataset): string[] {
  const classes = [...new Set(dataset.labels)]
  const numeric = classes.every((c) => Number.isFinite(Number(c)))
  classes.sort(numeric ? (a, b) => Number(a) - Number(b) : (a, b) => (a < b ? -1 : a > b ? 1 : 0))
  if (classes.length < 2)
    throw new DatasetError('the label column has fewer than 2 classes; there is nothing to learn')
  if (classes.length > MAX_CLASSES)
    throw new DatasetError(`the label column has more than ${MAX_CLASSES} classes`)
  return classes
}

/** 0..n-1 in a deterministic random order (Fisher–Yates with a seeded mulberry32). */
export function shuffledIndices(n: number, seed: number): number[] {
  const random = seededRng(seed)
  const order = Array.from({ length: n }, (_, i) => i)
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1))
    ;[order[i], order[j]] = [order[j]!, order[i]!]
  }
  return order
}

/** The rows at `indices`, in that order. */
export function subset(dataset: TabularDataset, indices: readonly number[]): TabularDataset {
  const width = dataset.featureNames.length
  const features = new Float64Array(indices.length * width)
  indices.forEach((row, i) => {
    features.set(dataset.features.subarray(row * width, (row + 1) * width), i * width)
  })
  return { ...dataset, features, labels: indices.map((row) => dataset.labels[row]!) }
}

/**
 * Splits off a held-out slice the requester keeps and workers never receive: `fraction` of the
 * rows, drawn by a deterministic shuffle with `seed`. Throws DatasetError when either part would
 * be empty.
 */
export function holdOut(
  dataset: TabularDataset,
  fraction: number,
  seed: number
): { kept: TabularDataset; heldOut: TabularDataset } {
  const n = rowCount(dataset)
  const count = Math.round(n * fraction)
  if (!(fraction > 0 && fraction < 1) || count === 0 || count === n) {
    throw new DatasetError(
      `cannot hold out ${fraction} of ${n} rows; give a fraction that leaves rows on both sides`
    )
  }
  const order = shuffledIndices(n, seed)
  // keep the rows in their original order on both sides, so the worker's file reads like the input
  const held = order.slice(0, count).sort((a, b) => a - b)
  const heldSet = new Set(held)
  const kept = Array.from({ length: n }, (_, i) => i).filter((i) => !heldSet.has(i))
  return { kept: subset(dataset, kept), heldOut: subset(dataset, held) }
}

/** The dataset as CSV (features, then the label column), e.g. the part sent to workers. */
export function toCsv(dataset: TabularDataset): string {
  const width = dataset.featureNames.length
  const lines = [[...dataset.featureNames, dataset.labelColumn].map(csvField).join(',')]
  dataset.labels.forEach((label, row) => {
    const values = Array.from(dataset.features.subarray(row * width, (row + 1) * width), String)
    lines.push([...values, csvField(label)].join(','))
  })
  return `${lines.join('\n')}\n`
}
