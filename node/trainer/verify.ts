import type { LayersModel } from '@tensorflow/tfjs'
import { FieldErrors } from '../../scheduler/spec/field-checks.js'
import { selectBackend, type Tf } from './backend.js'
import type { TabularDataset } from './dataset.js'
import { readModelFiles } from './model-files.js'
import { checkModelTopology } from './model-safety.js'
import { encodeRows, prepareTrainingData, type TensorData } from './preprocess.js'
import type { LossName, Preprocessing } from './spec.js'
import {
  accuracyError,
  accuracyGapError,
  priorScores,
  type Scores,
  scorePredictions,
  TOLERANCE
} from './verify-metrics.js'

/** Parameters initialised in total for the untrained yardstick (fewer copies of big models). */
const UNTRAINED_PARAMS_BUDGET = 20_000_000

export interface ReportedMetrics {
  valLoss: number | null
  valAcc: number | null
}

export interface VerifyInput {
  /** The delivered model folder (model.json + weights). */
  modelDir: string
  /** The rows the requester kept back, encoded with the worker data's classes and normalization. */
  heldOut: TensorData
  /** The worker's own validation rows, rebuilt by the requester; enables the exact metric check. */
  validation?: TensorData
  /** The final validation metrics the worker reported. */
  reportedMetrics: ReportedMetrics
  loss: LossName
  /** Loss the model must beat; default: the best of a few untrained copies and the class-prior model. */
  baselineLoss?: number
  /** tfjs to evaluate with; default the wasm backend (cpu where wasm cannot start). */
  tf?: Tf
}

export interface Verdict {
  accepted: boolean
  reason: string
  heldOutLoss: number
  heldOutAccuracy: number
  baselineLoss: number
  baselineAccuracy: number
  /** Metrics recomputed on the worker's validation rows (when given). */
  validationLoss?: number
  validationAccuracy?: number
}

/** What the requester needs to verify a job: the held-out and validation rows, encoded like the worker does. */
export function verificationData(
  sent: TabularDataset,
  heldOut: TabularDataset,
  pre: Preprocessing
): { heldOut: TensorData; validation: TensorData; classes: string[] } {
  const prepared = prepareTrainingData(sent, pre)
  const { unknownLabels: _, ...held } = encodeRows(heldOut, prepared.classes, prepared.normalization)
  return { heldOut: held, validation: prepared.validation, classes: prepared.classes }
}

function evaluate(tf: Tf, model: LayersModel, data: TensorData, loss: LossName): Scores {
  const shape = model.inputs[0]!.shape.slice(1) as number[]
  const probs = tf.tidy(() => {
    const out = model.predict(tf.tensor(data.x, [data.rows, ...shape]), { batchSize: 256 })
    return (Array.isArray(out) ? out[0]! : out).dataSync() as Float32Array
  })
  return scorePredictions(probs, data.y, data.classCount, loss)
}

const reject = (reason: string, partial: Partial<Verdict> = {}): Verdict => ({
  accepted: false,
  reason,
  heldOutLoss: Number.NaN,
  heldOutAccuracy: Number.NaN,
  baselineLoss: Number.NaN,
  baselineAccuracy: Number.NaN,
  ...partial
})

/**
 * Requester-side check of a delivered model: it must be a safe topology of the right shape, load
 * with stock tf.loadLayersModel, beat freshly initialised copies of itself and the class-prior model on
 * the held-out rows, and its reported validation metrics must match a recomputation (within the
 * float tolerance in verify-metrics.ts) and not over-claim what the held-out rows show.
 */
export async function verifyModel(input: VerifyInput): Promise<Verdict> {
  const tf =
    input.tf ?? (await selectBackend({ force: 'wasm' }).catch(() => selectBackend({ force: 'cpu' }))).tf
  const { heldOut } = input
  let files: Awaited<ReturnType<typeof readModelFiles>>
  try {
    files = await readModelFiles(input.modelDir)
  } catch (err) {
    return reject((err as Error).message)
  }
  const errors = new FieldErrors()
  const summary = checkModelTopology(errors, 'modelTopology', files.modelTopology)
  if (summary === undefined)
    return reject(
      `the delivered model is unsafe or malformed: ${Object.entries(errors.fields)[0]?.join(': ')}`
    )
  const inputSize = summary.inputShape.reduce((a, b) => a * b, 1)
  if (inputSize !== heldOut.featureCount || summary.outputShape.join() !== String(heldOut.classCount)) {
    return reject(
      `the delivered model maps [${summary.inputShape}] to [${summary.outputShape}], not ${heldOut.featureCount} features to ${heldOut.classCount} classes`
    )
  }
  // no trainingConfig: the model is only evaluated, so nothing of the sender's choosing is compiled
  const { trainingConfig: _, ...artifacts } = files
  let model: LayersModel
  try {
    model = await tf.loadLayersModel({ load: async () => ({ ...artifacts, format: 'layers-model' }) })
  } catch (err) {
    return reject(`the delivered model does not load: ${(err as Error).message}`)
  }
  try {
    const untrained = await bestUntrained(tf, files.modelTopology, summary.params, input)
    const validation = input.validation && evaluate(tf, model, input.validation, input.loss)
    return judge(input, evaluate(tf, model, heldOut, input.loss), untrained, validation)
  } finally {
    model.dispose()
  }
}

/**
 * A copy of a topology without its initializer settings, so tfjs's default initializers apply:
 * the sender must not choose how the yardstick is initialised (zeros, a fixed seed, …).
 */
export function defaultInitializers(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(defaultInitializers)
  if (value === null || typeof value !== 'object') return value
  return Object.fromEntries(
    Object.entries(value)
      .filter(([key]) => !/(_i|I)nitializer$/.test(key))
      .map(([key, v]) => [key, defaultInitializers(v)])
  )
}

/**
 * The best held-out scores of a few freshly initialised copies of the architecture. One random
 * draw is a poor yardstick: on easy data a lucky initialisation already beats the class prior,
 * so the delivered model must beat the best of several.
 */
async function bestUntrained(
  tf: Tf,
  topology: Record<string, unknown>,
  params: number,
  input: VerifyInput
): Promise<Scores> {
  const budget = Math.floor(UNTRAINED_PARAMS_BUDGET / Math.max(1, params))
  const copies = Math.max(1, Math.min(TOLERANCE.untrainedCopies, budget))
  let best: Scores = { loss: Number.POSITIVE_INFINITY, accuracy: 0 }
  for (let i = 0; i < copies; i++) {
    const untrained = await tf.models.modelFromJSON({ modelTopology: defaultInitializers(topology) as never })
    try {
      const scores = evaluate(tf, untrained, input.heldOut, input.loss)
      best = { loss: Math.min(best.loss, scores.loss), accuracy: Math.max(best.accuracy, scores.accuracy) }
    } finally {
      untrained.dispose()
    }
  }
  return best
}

function judge(input: VerifyInput, held: Scores, untrained: Scores, validation: Scores | undefined): Verdict {
  const n = input.heldOut.rows
  const prior = priorScores(input.heldOut.y, input.heldOut.classCount, input.loss)
  const baselineLoss = input.baselineLoss ?? Math.min(prior.loss, untrained.loss)
  const baselineAccuracy = Math.max(prior.accuracy, untrained.accuracy)
  const verdict: Verdict = {
    accepted: false,
    reason: '',
    heldOutLoss: held.loss,
    heldOutAccuracy: held.accuracy,
    baselineLoss,
    baselineAccuracy,
    ...(validation && { validationLoss: validation.loss, validationAccuracy: validation.accuracy })
  }
  const needed = baselineAccuracy + TOLERANCE.improvementSigmas * accuracyError(baselineAccuracy, n)
  // either is real learning: an over-fitted model can be accurate while its loss is high
  if (!(held.loss < baselineLoss * (1 - TOLERANCE.lossImprovement)) && !(held.accuracy > needed)) {
    return {
      ...verdict,
      reason: `no better than an untrained model: held-out loss ${fmt(held.loss)} vs baseline ${fmt(baselineLoss)}, accuracy ${fmt(held.accuracy)} vs needed above ${fmt(needed)}`
    }
  }
  const { valLoss, valAcc } = input.reportedMetrics
  if (validation !== undefined && input.validation !== undefined && input.validation.rows > 0) {
    if (valLoss === null || valAcc === null)
      return { ...verdict, reason: 'the worker reported no validation metrics' }
    const lossSlack = TOLERANCE.lossAbsolute + TOLERANCE.lossRelative * Math.abs(valLoss)
    if (Math.abs(validation.loss - valLoss) > lossSlack) {
      return {
        ...verdict,
        reason: `reported validation loss ${fmt(valLoss)} but the model scores ${fmt(validation.loss)} on those rows`
      }
    }
    if (Math.abs(validation.accuracy - valAcc) > TOLERANCE.accuracySamples / input.validation.rows + 1e-9) {
      return {
        ...verdict,
        reason: `reported validation accuracy ${fmt(valAcc)} but the model scores ${fmt(validation.accuracy)} on those rows`
      }
    }
  }
  if (valAcc !== null) {
    // the worker's validation rows when known; otherwise as many as the held-out rows
    const valRows = input.validation && input.validation.rows > 0 ? input.validation.rows : n
    const slack =
      TOLERANCE.heldOutSigmas * accuracyGapError(valAcc, valRows, held.accuracy, n) + TOLERANCE.heldOutSlack
    if (valAcc - held.accuracy > slack) {
      return {
        ...verdict,
        reason: `reported validation accuracy ${fmt(valAcc)} but only ${fmt(held.accuracy)} on the held-out rows`
      }
    }
  }
  return {
    ...verdict,
    accepted: true,
    reason: `held-out accuracy ${fmt(held.accuracy)} (baseline ${fmt(baselineAccuracy)}), loss ${fmt(held.loss)} (baseline ${fmt(baselineLoss)})`
  }
}

const fmt = (x: number): string => (Number.isFinite(x) ? x.toFixed(4) : String(x))
