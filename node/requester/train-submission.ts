import { randomInt } from 'node:crypto'
import { readFile } from 'node:fs/promises'
import { basename } from 'node:path'
import { unixfs } from '@helia/unixfs'
import type { Helia } from 'helia'
import { RynusError } from '../../protocols/common/errors.js'
import type { JobSpec } from '../../scheduler/index.js'
import { importBytes, parseCid } from '../../storage/files/index.js'
import { DEFAULT_IMAGE_SHAPE } from '../trainer/constants.js'
import { type ImageShape, imageShapeErrors } from '../trainer/image-resize.js'
import {
  classesOf,
  holdOut,
  type ModelSpec,
  type Preprocessing,
  parseCsvDataset,
  type TabularDataset,
  TrainSpecError,
  toCsv
} from '../trainer/index.js'
import type { LossName, OptimizerName } from '../trainer/spec.js'
import { DEFAULT_DEADLINE_MS } from './submission.js'
import { isFolderSource, type PreparedImages, prepareImages } from './train-images.js'

/** Largest dataset the requester reads to split off its held-out rows. */
export const MAX_TRAIN_DATASET_BYTES = 512 * 1024 * 1024
export const DEFAULT_HELD_OUT_FRACTION = 0.2

/** What a person asks for when submitting a training job (CLI, API, web UI). Money in token base units. */
export interface TrainSubmission {
  /**
   * The CSV (header + one label column) or a folder of images with one subfolder per class: its
   * CID as added to this node, or a local path (in-process callers). A folder is an image dataset.
   */
  dataset: { cid: string; name?: string } | { path: string }
  /** CSV: header name of the label column. */
  labelColumn?: string
  /** Image folders: [height, width, channels] every image is resized to; default cnn-small's inputShape, else [28, 28, 1]. */
  imageShape?: number[]
  /** A built-in template or a tfjs layers topology; default `{ kind: 'template', name: 'mlp' }`. */
  model?: ModelSpec
  epochs: number
  batchSize?: number
  optimizer?: OptimizerName
  learningRate?: number
  loss?: LossName
  preprocessing?: Partial<Preprocessing>
  earlyStopping?: { patience: number; minDelta: number }
  /** Rows kept back on this node to verify the delivered model (default 20 %, a random seed). */
  heldOut?: { fraction?: number; seed?: number }
  /** Most paid per epoch, base units as a decimal string. */
  maxPricePerUnit: string
  /** Most paid for the whole job; default maxPricePerUnit × epochs. */
  budget?: string
  /** Time allowed from now, ms; default two hours. */
  deadlineInMs?: number
  requirements?: JobSpec['requirements']
}

/** A submission that cannot become a job (unreadable or unsplittable dataset). */
export class TrainSubmissionError extends RynusError {
  constructor(message: string) {
    super(message, 'ERR_TRAIN_SUBMISSION')
  }
}

/** A submission turned into a spec (not yet validated) and the two halves of its dataset. */
export interface PreparedTrainJob {
  spec: Record<string, unknown>
  /** Rows workers receive (published in helia under `spec.train.dataset.cid`); `csv` for CSV datasets. */
  sent: { dataset: TabularDataset; csv?: string }
  /** Rows only this node keeps, to verify the delivered model; `csv` for CSV datasets. */
  heldOut: { dataset: TabularDataset; csv?: string; fraction: number; seed: number }
  /** Image datasets: the staged `sent/` and `heldout/` folders (the caller stores or disposes them). */
  images?: PreparedImages
}

/** The dataset part of a job: what the spec names, and the two halves. */
interface SplitDataset {
  dataset: Record<string, unknown>
  kept: TabularDataset
  heldOut: TabularDataset
  bytes: number
  sentCsv?: string
  heldOutCsv?: string
  images?: PreparedImages
}

async function readDataset(
  helia: Helia,
  source: TrainSubmission['dataset']
): Promise<{ text: string; name: string }> {
  if (typeof source !== 'object' || source === null) {
    throw new TrainSubmissionError('give the dataset as { cid } (added with POST /api/v1/assets) or { path }')
  }
  if ('path' in source && typeof source.path === 'string') {
    const bytes = await readFile(source.path).catch((err: Error) => {
      throw new TrainSubmissionError(`cannot read the dataset ${source.path}: ${err.message}`)
    })
    return { text: bytes.toString('utf8'), name: basename(source.path) }
  }
  const cid = (source as { cid?: unknown }).cid
  if (typeof cid !== 'string') throw new TrainSubmissionError('give the dataset CID as text')
  const chunks: Uint8Array[] = []
  let size = 0
  const signal = AbortSignal.timeout(60_000)
  for await (const chunk of unixfs(helia).cat(parseCid(cid), { signal })) {
    size += chunk.byteLength
    if (size > MAX_TRAIN_DATASET_BYTES) {
      throw new TrainSubmissionError(`the dataset is larger than ${MAX_TRAIN_DATASET_BYTES} bytes`)
    }
    chunks.push(chunk)
  }
  const name = (source as { name?: unknown }).name
  return { text: Buffer.concat(chunks).toString('utf8'), name: typeof name === 'string' ? name : 'data.csv' }
}

/**
 * Reads the dataset, keeps back a held-out slice (default 20 %, rows drawn by a seeded shuffle;
 * for image folders 20 % of every class), publishes only the rest in helia, and builds the job
 * spec around that CID. Bad CSVs and image folders fail here with DatasetError (field errors for
 * images); the spec's own fields are checked by the scheduler afterwards.
 */
export async function prepareTrainJob(
  s: TrainSubmission,
  c: { helia: Helia; requester: string; now: number; stagingDir?: string }
): Promise<PreparedTrainJob> {
  const fraction = s.heldOut?.fraction ?? DEFAULT_HELD_OUT_FRACTION
  if (typeof fraction !== 'number' || !(fraction > 0 && fraction <= 0.5)) {
    throw new TrainSubmissionError('give a held-out fraction above 0 and at most 0.5 (e.g. 0.2)')
  }
  const seed = s.heldOut?.seed ?? randomInt(0, 2 ** 32 - 1)
  const split = (await isFolder(c.helia, s.dataset))
    ? await splitImages(s, c, fraction, seed)
    : await splitCsv(s, c.helia, fraction, seed)
  try {
    return buildJob(s, c, split, { fraction, seed })
  } catch (err) {
    await split.images?.dispose()
    throw err
  }
}

async function isFolder(helia: Helia, source: TrainSubmission['dataset']): Promise<boolean> {
  if (typeof source !== 'object' || source === null) return false
  if ('path' in source && typeof source.path === 'string') return isFolderSource(helia, source)
  const cid = (source as { cid?: unknown }).cid
  if (typeof cid !== 'string') return false
  return isFolderSource(helia, { cid }).catch(() => false)
}

async function splitCsv(
  s: TrainSubmission,
  helia: Helia,
  fraction: number,
  seed: number
): Promise<SplitDataset> {
  if (typeof s.labelColumn !== 'string' || s.labelColumn === '') {
    throw new TrainSubmissionError('give the name of the label column (e.g. "species")')
  }
  const { text, name } = await readDataset(helia, s.dataset)
  const all = parseCsvDataset(text, s.labelColumn)
  const { kept, heldOut } = holdOut(all, fraction, seed)
  const csv = toCsv(kept)
  const bytes = new TextEncoder().encode(csv)
  const { cid } = await importBytes(helia, bytes)
  return {
    dataset: { cid, name: safeName(name), format: 'csv', labelColumn: s.labelColumn },
    kept,
    heldOut,
    bytes: bytes.byteLength,
    sentCsv: csv,
    heldOutCsv: toCsv(heldOut)
  }
}

/** The image shape of a submission: its own, else a cnn-small's input shape, else 28 × 28 gray. */
function imageShapeOf(s: TrainSubmission): ImageShape {
  const fromModel = s.model?.kind === 'template' ? s.model.inputShape : undefined
  const shape = s.imageShape ?? (fromModel?.length === 3 ? fromModel : [...DEFAULT_IMAGE_SHAPE])
  const errors = imageShapeErrors('imageShape', shape)
  if (errors.imageShape !== undefined) throw new TrainSpecError(errors)
  return shape as ImageShape
}

async function splitImages(
  s: TrainSubmission,
  c: { helia: Helia; stagingDir?: string },
  fraction: number,
  seed: number
): Promise<SplitDataset> {
  if (s.labelColumn !== undefined) {
    throw new TrainSpecError({
      labelColumn: 'image folders take their labels from the class subfolders; remove it'
    })
  }
  const shape = imageShapeOf(s)
  const images = await prepareImages(c.helia, s.dataset, {
    shape,
    fraction,
    seed,
    maxBytes: MAX_TRAIN_DATASET_BYTES,
    ...(c.stagingDir !== undefined && { stagingDir: c.stagingDir })
  })
  return {
    dataset: { cid: images.cid, name: safeName(images.name), format: 'image-folder', imageShape: shape },
    kept: images.kept.dataset,
    heldOut: images.heldOut.dataset,
    bytes: images.bytes,
    images
  }
}

/** A template without an input shape takes the images' shape when it is a cnn-small. */
function modelFor(s: TrainSubmission, images: boolean, shape: unknown): ModelSpec {
  const model = s.model ?? { kind: 'template', name: images ? 'cnn-small' : 'mlp' }
  if (images && model.kind === 'template' && model.name === 'cnn-small' && model.inputShape === undefined) {
    return { ...model, inputShape: shape as number[] }
  }
  return model
}

function buildJob(
  s: TrainSubmission,
  c: { requester: string; now: number },
  split: SplitDataset,
  held: { fraction: number; seed: number }
): PreparedTrainJob {
  const { kept, heldOut } = split
  const images = split.images !== undefined
  const classes = classesOf(kept)
  const loss = s.loss ?? 'categoricalCrossentropy'
  const epochs = s.epochs
  let budget = s.budget
  if (budget === undefined && /^\d+$/.test(String(s.maxPricePerUnit)) && Number.isSafeInteger(epochs)) {
    budget = (BigInt(s.maxPricePerUnit) * BigInt(epochs)).toString()
  }
  const train: Record<string, unknown> = {
    model: modelFor(s, images, split.dataset.imageShape),
    dataset: split.dataset,
    preprocessing: {
      // images are scaled to [0, 1] already
      normalize: !images,
      oneHot: loss !== 'sparseCategoricalCrossentropy',
      shuffleSeed: randomInt(0, 2 ** 32 - 1),
      validationSplit: 0.2,
      ...s.preprocessing
    },
    optimizer: s.optimizer ?? 'adam',
    learningRate: s.learningRate ?? (images ? 0.005 : 0.01),
    loss,
    metrics: ['accuracy'],
    epochs,
    batchSize: s.batchSize ?? 32,
    ...(s.earlyStopping !== undefined && { earlyStopping: s.earlyStopping }),
    datasetInfo: {
      rows: kept.labels.length,
      features: kept.featureNames.length,
      classes: classes.length,
      bytes: split.bytes
    }
  }
  const spec = {
    version: 1,
    kind: 'train',
    requester: c.requester,
    createdAt: c.now,
    budget: budget ?? s.maxPricePerUnit,
    maxPricePerUnit: s.maxPricePerUnit,
    deadline: c.now + (s.deadlineInMs ?? DEFAULT_DEADLINE_MS),
    requirements: s.requirements ?? { capabilities: [] },
    train
  }
  return {
    spec,
    sent: { dataset: kept, ...(split.sentCsv !== undefined && { csv: split.sentCsv }) },
    heldOut: { dataset: heldOut, ...(split.heldOutCsv !== undefined && { csv: split.heldOutCsv }), ...held },
    ...(split.images && { images: split.images })
  }
}

/** A dataset name workers see: the file name, nothing that looks like a path. */
function safeName(name: string): string {
  const clean = basename(name)
    .replace(/[^\w.\- ]/g, '_')
    .slice(0, 200)
  return clean === '' ? 'data.csv' : clean
}
