import { createHash } from 'node:crypto'
import { mkdir, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import type { LayersModel, Optimizer, Tensor } from '@tensorflow/tfjs'
import type { BackendInfo, Tf } from './backend.js'
import { type EpochMetrics, readCheckpoint, type TrainState, writeCheckpoint } from './checkpoint.js'
import { checkpointName, MAX_MODEL_PARAMS } from './constants.js'
import { shuffledIndices } from './dataset.js'
import { TrainDivergedError, TrainSpecError } from './errors.js'
import { modelFolderSaver } from './model-files.js'
import { epochSeed, type PreparedData, type TensorData } from './preprocess.js'
import type { OptimizerName, TrainParams } from './spec.js'
import { resolveModel } from './templates.js'

export interface StartEvent {
  type: 'start'
  backend: BackendInfo
  /** First epoch this run trains (1 unless resumed). */
  startEpoch: number
  epochs: number
  params: number
  trainRows: number
  validationRows: number
}

export interface EpochEvent extends EpochMetrics {
  type: 'epoch'
  epochs: number
  /** Folder name of this epoch's checkpoint under the checkpoints folder. */
  checkpoint: string
  samplesPerSecond: number
  durationMs: number
}

export interface DoneEvent {
  type: 'done'
  /** Epochs trained by this run (a resumed run counts only its own). */
  epochsRun: number
  /** Last completed epoch of the job. */
  lastEpoch: number
  stoppedEarly: boolean
  final: EpochMetrics | null
  backend: BackendInfo
}

export interface TrainingRun {
  tf: Tf
  backend: BackendInfo
  params: TrainParams
  data: PreparedData
  /** Where ckpt-<epoch> folders are written. */
  checkpointsDir: string
  /** Where the final model (model.json + weights.bin) is written. */
  modelDir: string
  /** Where metrics.json (history, classes, normalization, backend) is written. */
  metricsPath: string
  /** A checkpoint folder to continue from. */
  resumeFrom?: string
  onStart?: (event: StartEvent) => void
  onEpoch?: (event: EpochEvent) => void | Promise<void>
}

/** SHA-256 of validated training parameters (validateTrainParams builds them in a fixed key order). */
export function specDigest(params: TrainParams): string {
  return createHash('sha256').update(JSON.stringify(params)).digest('hex')
}

export function makeOptimizer(tf: Tf, name: OptimizerName, learningRate: number): Optimizer {
  switch (name) {
    case 'sgd':
      return tf.train.sgd(learningRate)
    case 'momentum':
      return tf.train.momentum(learningRate, 0.9)
    case 'adam':
      return tf.train.adam(learningRate)
    case 'rmsprop':
      return tf.train.rmsprop(learningRate)
    case 'adagrad':
      return tf.train.adagrad(learningRate)
    case 'adadelta':
      return tf.train.adadelta(learningRate)
  }
}

/** Builds the job's model (checked again against the data's shape first) and compiles it. */
export async function buildModel(
  tf: Tf,
  params: TrainParams,
  data: PreparedData
): Promise<{ model: LayersModel; optimizer: Optimizer; inputShape: number[] }> {
  const resolved = resolveModel(params.model, data.train.featureCount, data.classes.length)
  const model = await tf.models.modelFromJSON({ modelTopology: resolved.topology as never })
  if (model.countParams() > MAX_MODEL_PARAMS) {
    throw new TrainSpecError({
      model: `the model has ${model.countParams()} parameters; the most is ${MAX_MODEL_PARAMS}`
    })
  }
  const optimizer = makeOptimizer(tf, params.optimizer, params.learningRate)
  model.compile({ optimizer, loss: params.loss, metrics: params.metrics })
  return { model, optimizer, inputShape: resolved.summary.inputShape }
}

function tensors(tf: Tf, part: TensorData, inputShape: number[], oneHot: boolean): { x: Tensor; y: Tensor } {
  const x = tf.tensor(part.x, [part.rows, ...inputShape])
  const y = oneHot
    ? tf.tidy(() => tf.oneHot(tf.tensor1d(part.y, 'int32'), part.classCount).toFloat())
    : tf.tensor2d(Float32Array.from(part.y), [part.rows, 1])
  return { x, y }
}

const finiteOrNull = (value: unknown): number | null =>
  typeof value === 'number' && Number.isFinite(value) ? value : null

function updateEarlyStopping(
  state: Omit<TrainState, 'optimizer'>,
  params: TrainParams,
  m: EpochMetrics
): boolean {
  const rule = params.earlyStopping
  if (rule === undefined || m.valLoss === null) return false
  const best = state.best.valLoss
  if (best === null || m.valLoss < best - rule.minDelta) {
    state.best = { valLoss: m.valLoss, wait: 0 }
    return false
  }
  state.best = { valLoss: best, wait: state.best.wait + 1 }
  return state.best.wait >= rule.patience
}

async function trainEpoch(
  tf: Tf,
  model: LayersModel,
  run: TrainingRun,
  train: { x: Tensor; y: Tensor },
  validation: { x: Tensor; y: Tensor } | undefined,
  epoch: number
): Promise<{ metrics: EpochMetrics; durationMs: number; samplesPerSecond: number }> {
  const { params } = run
  const rows = run.data.train.rows
  const started = performance.now()
  const order = tf.tensor1d(
    shuffledIndices(rows, epochSeed(params.preprocessing.shuffleSeed, epoch)),
    'int32'
  )
  const xs = tf.gather(train.x, order)
  const ys = tf.gather(train.y, order)
  let diverged = false
  try {
    const history = await model.fit(xs, ys, {
      epochs: 1,
      batchSize: params.batchSize,
      shuffle: false,
      verbose: 0,
      ...(validation && { validationData: [validation.x, validation.y] as [Tensor, Tensor] }),
      callbacks: {
        onBatchEnd: async (_batch, logs) => {
          if (!Number.isFinite(logs?.loss)) {
            diverged = true
            model.stopTraining = true
          }
        }
      }
    })
    const h = history.history
    const loss = h.loss?.[0]
    if (diverged || typeof loss !== 'number' || !Number.isFinite(loss)) {
      throw new TrainDivergedError(epoch, params.learningRate)
    }
    const durationMs = performance.now() - started
    return {
      metrics: {
        epoch,
        loss,
        acc: finiteOrNull(h.acc?.[0]),
        valLoss: finiteOrNull(h.val_loss?.[0]),
        valAcc: finiteOrNull(h.val_acc?.[0])
      },
      durationMs: Math.round(durationMs),
      samplesPerSecond: Math.round((rows / durationMs) * 1000)
    }
  } finally {
    tf.dispose([order, xs, ys])
  }
}

/**
 * Trains epoch by epoch: each epoch's batch order comes from the shuffle seed and the epoch
 * number, a checkpoint (weights, optimizer state, epoch, seed, early-stopping state) is written
 * after every epoch, a non-finite loss stops training with TrainDivergedError, and a resumed run
 * continues at the checkpoint's epoch + 1. Ends by writing the final model and metrics.json.
 */
export async function runTraining(run: TrainingRun): Promise<DoneEvent> {
  const { tf, params, data } = run
  const digest = specDigest(params)
  const { model, optimizer, inputShape } = await buildModel(tf, params, data)
  let state: Omit<TrainState, 'optimizer'> = {
    version: 1,
    epoch: 0,
    specSha256: digest,
    shuffleSeed: params.preprocessing.shuffleSeed,
    best: { valLoss: null, wait: 0 },
    stopped: false,
    history: []
  }
  if (run.resumeFrom !== undefined) {
    const loaded = await readCheckpoint(tf, run.resumeFrom, model, optimizer, digest)
    model.setWeights(loaded.weights)
    await optimizer.setWeights(loaded.optimizerWeights)
    tf.dispose([...loaded.weights, ...loaded.optimizerWeights.map((w) => w.tensor)])
    const { optimizer: _, ...rest } = loaded.state
    state = rest
  }
  run.onStart?.({
    type: 'start',
    backend: run.backend,
    startEpoch: state.epoch + 1,
    epochs: params.epochs,
    params: model.countParams(),
    trainRows: data.train.rows,
    validationRows: data.validation.rows
  })
  const oneHot = params.preprocessing.oneHot
  const train = tensors(tf, data.train, inputShape, oneHot)
  const validation = data.validation.rows > 0 ? tensors(tf, data.validation, inputShape, oneHot) : undefined
  await mkdir(run.checkpointsDir, { recursive: true })
  let epochsRun = 0
  try {
    for (let epoch = state.epoch + 1; epoch <= params.epochs && !state.stopped; epoch++) {
      const { metrics, durationMs, samplesPerSecond } = await trainEpoch(
        tf,
        model,
        run,
        train,
        validation,
        epoch
      )
      epochsRun++
      state = { ...state, epoch, history: [...state.history, metrics] }
      state.stopped = updateEarlyStopping(state, params, metrics)
      const checkpoint = checkpointName(epoch)
      await writeCheckpoint(tf, join(run.checkpointsDir, checkpoint), model, optimizer, state)
      await run.onEpoch?.({
        type: 'epoch',
        ...metrics,
        epochs: params.epochs,
        checkpoint,
        samplesPerSecond,
        durationMs
      })
    }
  } finally {
    tf.dispose([train.x, train.y, ...(validation ? [validation.x, validation.y] : [])])
  }
  await mkdir(run.modelDir, { recursive: true })
  await model.save(modelFolderSaver(run.modelDir))
  const done: DoneEvent = {
    type: 'done',
    epochsRun,
    lastEpoch: state.epoch,
    stoppedEarly: state.stopped,
    final: state.history.at(-1) ?? null,
    backend: run.backend
  }
  const metrics = {
    ...done,
    history: state.history,
    classes: data.classes,
    normalization: data.normalization ?? null
  }
  await writeFile(run.metricsPath, JSON.stringify(metrics, null, 2))
  model.dispose()
  return done
}
