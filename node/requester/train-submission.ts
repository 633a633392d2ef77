import { randomInt } from 'node:crypto'
import { readFile } from 'node:fs/promises'
import { basename } from 'node:path'
import { unixfs } from '@helia/unixfs'
import type { Helia } from 'helia'
import { RynusError } from '../../protocols/common/errors.js'
import type { JobSpec } from '../../scheduler/index.js'
import { importBytes, parseCid } from '../../storage/files/index.js'
import {
  classesOf,
  holdOut,
  type ModelSpec,
  type Preprocessing,
  parseCsvDataset,
  type TabularDataset,
  toCsv
} from '../trainer/index.js'
import type { LossName, OptimizerName } from '../trainer/spec.js'
import { DEFAULT_DEADLINE_MS } from './submission.js'

/** Largest dataset the requester reads to split off its held-out rows. */
export const MAX_TRAIN_DATASET_BYTES = 512 * 1024 * 1024
export const DEFAULT_HELD_OUT_FRACTION = 0.2

/** What a person asks for when submitting a training job (CLI, API, web UI). Money in token base units. */
export interface TrainSubmission {
  /** The CSV (header + one label column): its CID as added to this node, or a local path (in-process callers). */
  dataset: { cid: string; name?: string } | { path: string }
  /** Header name of the label column. */
  labelColumn: string
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
  /** Rows workers receive (published in helia under `spec.train.dataset.cid`). */
  sent: { dataset: TabularDataset; csv: string }
  /** Rows only this node keeps, to verify the delivered model. */
  heldOut: { dataset: TabularDataset; csv: string; fraction: number; seed: number }
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
 * Reads the dataset, keeps back a held-out slice (default 20 %, rows drawn by a seeded shuffle),
 * publishes only the rest in helia, and builds the job spec around that CID. Bad CSVs fail here
 * with DatasetError; the spec's own fields are checked by the scheduler afterwards.
 */
export async function prepareTrainJob(
  s: TrainSubmission,
  c: { helia: Helia; requester: string; now: number }
): Promise<PreparedTrainJob> {
  if (typeof s.labelColumn !== 'string' || s.labelColumn === '') {
    throw new TrainSubmissionError('give the name of the label column (e.g. "species")')
  }
  const fraction = s.heldOut?.fraction ?? DEFAULT_HELD_OUT_FRACTION
  if (typeof fraction !== 'number' || !(fraction > 0 && fraction <= 0.5)) {
    throw new TrainSubmissionError('give a held-out fraction above 0 and at most 0.5 (e.g. 0.2)')
  }
  const seed = s.heldOut?.seed ?? randomInt(0, 2 ** 32 - 1)
  const { text, name } = await readDataset(c.helia, s.dataset)
  const all = parseCsvDataset(text, s.labelColumn)
  const { kept, heldOut } = holdOut(all, fraction, seed)
  const classes = classesOf(kept)
  const csv = toCsv(kept)
  const bytes = new TextEncoder().encode(csv)
  const { cid } = await importBytes(c.helia, bytes)
  const loss = s.loss ?? 'categoricalCrossentropy'
  const epochs = s.epochs
  let budget = s.budget
  if (budget === undefined && /^\d+$/.test(String(s.maxPricePerUnit)) && Number.isSafeInteger(epochs)) {
    budget = (BigInt(s.maxPricePerUnit) * BigInt(epochs)).toString()
  }
  const train: Record<string, unknown> = {
    model: s.model ?? { kind: 'template', name: 'mlp' },
    dataset: { cid, name: safeName(name), format: 'csv', labelColumn: s.labelColumn },
    preprocessing: {
      normalize: true,
      oneHot: loss !== 'sparseCategoricalCrossentropy',
      shuffleSeed: randomInt(0, 2 ** 32 - 1),
      validationSplit: 0.2,
      ...s.preprocessing
    },
    optimizer: s.optimizer ?? 'adam',
    learningRate: s.learningRate ?? 0.01,
    loss,
    metrics: ['accuracy'],
    epochs,
    batchSize: s.batchSize ?? 32,
    ...(s.earlyStopping !== undefined && { earlyStopping: s.earlyStopping }),
    datasetInfo: {
      rows: kept.labels.length,
      features: kept.featureNames.length,
      classes: classes.length,
      bytes: bytes.byteLength
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
    sent: { dataset: kept, csv },
    heldOut: { dataset: heldOut, csv: toCsv(heldOut), fraction, seed }
  }
}

/** A dataset name workers see: the file name, nothing that looks like a path. */
function safeName(name: string): string {
  const clean = basename(name)
    .replace(/[^\w.\- ]/g, '_')
    .slice(0, 200)
  return clean === '' ? 'data.csv' : clean
}
