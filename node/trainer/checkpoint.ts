import { mkdir, rename, rm, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import type { io, LayersModel, Optimizer, Tensor } from '@tensorflow/tfjs'
import type { Tf } from './backend.js'
import { MAX_JSON_BYTES, MAX_MODEL_PARAMS, OPTIMIZER_BIN, STATE_JSON } from './constants.js'
import { CheckpointError } from './errors.js'
import { modelFolderSaver, readModelFiles, readRegularFile, weightBytes } from './model-files.js'

/** Metrics of one finished epoch (1-based). valLoss/valAcc are null without a validation split. */
export interface EpochMetrics {
  epoch: number
  loss: number
  acc: number | null
  valLoss: number | null
  valAcc: number | null
}

/** Everything besides the weights that training needs to continue exactly where it stopped. */
export interface TrainState {
  version: 1
  /** Last completed epoch; training resumes at epoch + 1. */
  epoch: number
  /** SHA-256 of the job's canonical training parameters; a checkpoint only resumes its own job. */
  specSha256: string
  /** The shuffle seed; epoch e's batch order is derived from it and e, so a resumed run sees the same order. */
  shuffleSeed: number
  /** Early stopping: best validation loss so far and epochs since it improved. */
  best: { valLoss: number | null; wait: number }
  /** Set when early stopping ended training. */
  stopped: boolean
  history: EpochMetrics[]
  /** Optimizer weights in optimizer.bin, in `optimizer.getWeights()` order. */
  optimizer: { className: string; weightSpecs: io.WeightsManifestEntry[] }
}

/**
 * Writes a checkpoint folder: model.json + weights.bin (tfjs layers format, loadable with
 * tf.loadLayersModel), optimizer.bin and state.json. Written under a temporary name and renamed,
 * so a reader never sees half a checkpoint.
 */
export async function writeCheckpoint(
  tf: Tf,
  dir: string,
  model: LayersModel,
  optimizer: Optimizer,
  state: Omit<TrainState, 'optimizer'>
): Promise<void> {
  const partial = `${dir}.partial`
  await rm(partial, { recursive: true, force: true })
  await mkdir(partial, { recursive: true })
  await model.save(modelFolderSaver(partial))
  const weights = await optimizer.getWeights()
  const { data, specs } = await tf.io.encodeWeights(weights)
  weights[0]?.tensor.dispose() // the iteration count is a fresh scalar; the rest are the optimizer's own variables
  await writeFile(join(partial, OPTIMIZER_BIN), Buffer.from(data))
  const full: TrainState = {
    ...state,
    optimizer: { className: optimizer.getClassName(), weightSpecs: specs }
  }
  await writeFile(join(partial, STATE_JSON), JSON.stringify(full))
  await rm(dir, { recursive: true, force: true })
  await rename(partial, dir)
}

/** A checkpoint read back and checked against the model it is loaded into. */
export interface LoadedCheckpoint {
  state: TrainState
  weights: Tensor[]
  optimizerWeights: { name: string; tensor: Tensor }[]
}

function sameShape(a: readonly (number | null)[], b: readonly (number | null)[]): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i])
}

/**
 * Reads a checkpoint (possibly from another, untrusted worker) for `model`: the state must carry
 * this job's spec hash, every weight must match the model's weights in order and shape, and the
 * optimizer state must be of the same optimizer class with accumulators shaped like the model's
 * trainable weights. Throws CheckpointError.
 */
export async function readCheckpoint(
  tf: Tf,
  dir: string,
  model: LayersModel,
  optimizer: Optimizer,
  specSha256: string
): Promise<LoadedCheckpoint> {
  let state: TrainState
  try {
    state = JSON.parse((await readRegularFile(join(dir, STATE_JSON), MAX_JSON_BYTES)).toString('utf8'))
  } catch (err) {
    throw new CheckpointError(`state.json cannot be read (${(err as Error).message})`)
  }
  if (state?.version !== 1 || !Number.isSafeInteger(state.epoch) || state.epoch < 0) {
    throw new CheckpointError('state.json is not a version 1 training state')
  }
  if (state.specSha256 !== specSha256)
    throw new CheckpointError('it belongs to another job (different training parameters)')
  const files = await readModelFiles(dir).catch((err: Error) => {
    throw new CheckpointError(err.message)
  })
  const expected = model.weights
  if (
    files.weightSpecs.length !== expected.length ||
    files.weightSpecs.some((s, i) => !sameShape(s.shape, expected[i]!.shape))
  ) {
    throw new CheckpointError("its weights do not match the job's model (count or shapes differ)")
  }
  assertUniqueNames(files.weightSpecs)
  const decoded = tf.io.decodeWeights(files.weightData, files.weightSpecs)
  const weights = files.weightSpecs.map((s) => decoded[s.name]!)
  const optimizerWeights = await readOptimizerWeights(tf, dir, state, model, optimizer)
  return { state, weights, optimizerWeights }
}

function assertUniqueNames(specs: readonly io.WeightsManifestEntry[]): void {
  if (new Set(specs.map((s) => s.name)).size !== specs.length)
    throw new CheckpointError('two weights share one name')
}

async function readOptimizerWeights(
  tf: Tf,
  dir: string,
  state: TrainState,
  model: LayersModel,
  optimizer: Optimizer
): Promise<{ name: string; tensor: Tensor }[]> {
  const specs = state.optimizer?.weightSpecs
  if (state.optimizer?.className !== optimizer.getClassName() || !Array.isArray(specs)) {
    throw new CheckpointError(
      `its optimizer state is for ${String(state.optimizer?.className)}, not ${optimizer.getClassName()}`
    )
  }
  const trainable = model.trainableWeights.map((w) => w.shape)
  // [iterations, then one or more accumulators per trainable weight, in weight order]
  const shapesOk =
    specs.length >= 1 &&
    specs[0]!.shape.length === 0 &&
    (specs.length - 1) % Math.max(1, trainable.length) === 0 &&
    specs.slice(1).every((s, i) => sameShape(s.shape, trainable[i % trainable.length]!))
  if (!shapesOk || specs.length > 1 + 3 * trainable.length) {
    throw new CheckpointError('its optimizer state does not fit the model')
  }
  assertUniqueNames(specs)
  const bytes = specs.reduce((sum, s) => sum + weightBytes(s, dir), 0)
  const data = await readRegularFile(join(dir, OPTIMIZER_BIN), Math.min(bytes, 3 * 4 * MAX_MODEL_PARAMS + 8))
  if (data.length !== bytes)
    throw new CheckpointError(`optimizer.bin holds ${data.length} bytes, expected ${bytes}`)
  const decoded = tf.io.decodeWeights(new Uint8Array(data).buffer, specs)
  return specs.map((s) => ({ name: s.name, tensor: decoded[s.name]! }))
}
