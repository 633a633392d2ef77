import { readFile, rename, rm } from 'node:fs/promises'
import { join } from 'node:path'
import { peerIdFromString } from '@libp2p/peer-id'
import type { Helia } from 'helia'
import { describeError } from '../../protocols/common/errors.js'
import type { JobSpec } from '../../scheduler/index.js'
import { exportDirectory } from '../../storage/files/index.js'
import type { TaskOutput } from '../../storage/repos/index.js'
import type { RynusLibp2p } from '../libp2p/types.js'
import { readImageFolder } from '../trainer/image-folder.js'
import type { ImageShape } from '../trainer/image-resize.js'
import {
  type DatasetSpec,
  type EpochMetrics,
  JOB_FILES,
  MAX_MODEL_PARAMS,
  parseCsvDataset,
  type TabularDataset,
  verificationData,
  verifyModel
} from '../trainer/index.js'
import { HELD_OUT_IMAGES, SENT_IMAGES } from './train-images.js'
import { HELD_OUT_CSV, SENT_CSV, type TrainJobStore, type VerificationRecord } from './train-store.js'

export const MODEL_FETCH_TIMEOUT_MS = 60_000
/** Largest model folder fetched from a worker: float32 weights of the largest model allowed, and slack. */
export const MAX_MODEL_FOLDER_BYTES = 4 * MAX_MODEL_PARAMS + 64 * 1024 * 1024
/** Largest metrics.json read from a worker. */
const MAX_METRICS_BYTES = 4 * 1024 * 1024

/** The files `job get` writes for an accepted training job, relative to its results folder. */
export const TRAIN_RESULT_FILES = ['model/model.json', 'model/weights.bin', 'metrics.json'] as const

/** metrics.json as the trainer writes it (only what verification reads). */
export interface DeliveredMetrics {
  final: EpochMetrics | null
  history: EpochMetrics[]
  classes: string[]
  backend?: unknown
}

export type TrainVerdict =
  | { ok: true; record: VerificationRecord; metrics: DeliveredMetrics }
  | { ok: false; record: VerificationRecord }

function rejected(task: { taskId: string; worker: string }, reason: string): TrainVerdict {
  return {
    ok: false,
    record: {
      ...task,
      accepted: false,
      reason,
      heldOutAccuracy: Number.NaN,
      heldOutLoss: Number.NaN,
      baselineAccuracy: Number.NaN,
      baselineLoss: Number.NaN,
      at: Date.now()
    }
  }
}

async function readMetrics(path: string): Promise<DeliveredMetrics> {
  const text = await readFile(path)
  if (text.byteLength > MAX_METRICS_BYTES) throw new Error('metrics.json is too large')
  const value = JSON.parse(text.toString('utf8')) as DeliveredMetrics
  if (typeof value !== 'object' || value === null || !Array.isArray(value.history)) {
    throw new Error('metrics.json has no training history')
  }
  return value
}

/** The rows workers received and the held-out rows of a job, read back from the store. */
async function storedDatasets(
  store: TrainJobStore,
  jobId: string,
  dataset: DatasetSpec
): Promise<{ sent: TabularDataset; held: TabularDataset }> {
  if (dataset.format === 'image-folder') {
    const shape = dataset.imageShape as ImageShape
    return {
      sent: (await readImageFolder(store.imagesDir(jobId, SENT_IMAGES), shape)).dataset,
      held: (await readImageFolder(store.imagesDir(jobId, HELD_OUT_IMAGES), shape)).dataset
    }
  }
  const label = dataset.labelColumn ?? ''
  return {
    sent: parseCsvDataset(await store.readCsv(jobId, SENT_CSV), label),
    held: parseCsvDataset(await store.readCsv(jobId, HELD_OUT_CSV), label)
  }
}

/**
 * The requester's check of a delivered training task: fetch the final folder (the output of the
 * last epoch) from the worker, evaluate `model/` on the held-out rows (or images) no worker ever received and
 * on the worker's own validation rows (rebuilt here), and compare with the metrics it reported
 * (`verifyModel`: tolerant of float differences between backends, not of an untrained model or
 * inflated metrics). An accepted model is moved to `<resultsDir>/model/` with `metrics.json`.
 */
export async function verifyTrainResult(
  c: { helia: Helia; libp2p: RynusLibp2p; store: TrainJobStore },
  task: {
    jobId: string
    spec: JobSpec
    taskId: string
    worker: string
    outputs: Record<string, TaskOutput>
    dir: string
  }
): Promise<TrainVerdict> {
  const train = task.spec.train!
  const who = { taskId: task.taskId, worker: task.worker }
  const final = task.outputs[String(train.epochs)]
  if (final === undefined) return rejected(who, `the result lacks epoch ${train.epochs}`)
  if (final.bytes > MAX_MODEL_FOLDER_BYTES)
    return rejected(who, `the model folder claims ${final.bytes} bytes`)
  await c.libp2p
    .dial(peerIdFromString(task.worker), { signal: AbortSignal.timeout(10_000) })
    .catch(() => undefined)
  const staged = join(task.dir, `incoming-${task.taskId.replace(/[^\w-]/g, '_')}`)
  await rm(staged, { recursive: true, force: true })
  try {
    try {
      const tooBig = new AbortController()
      const { size } = await exportDirectory(c.helia, final.cid, staged, {
        timeoutMs: MODEL_FETCH_TIMEOUT_MS,
        signal: tooBig.signal,
        onProgress: ({ bytes }) => {
          if (bytes > final.bytes)
            tooBig.abort(new Error(`the model folder holds more than the ${final.bytes} bytes reported`))
        }
      })
      if (size !== final.bytes)
        return rejected(who, `the model folder is ${size} bytes, the worker said ${final.bytes}`)
    } catch (err) {
      return rejected(who, `the model could not be fetched: ${describeError(err)}`)
    }
    let metrics: DeliveredMetrics
    try {
      metrics = await readMetrics(join(staged, JOB_FILES.metrics))
    } catch (err) {
      return rejected(who, `metrics.json is missing or unreadable: ${describeError(err)}`)
    }
    const { sent, held } = await storedDatasets(c.store, task.jobId, train.dataset)
    const data = verificationData(sent, held, train.preprocessing)
    const verdict = await verifyModel({
      modelDir: join(staged, JOB_FILES.model),
      heldOut: data.heldOut,
      validation: data.validation,
      reportedMetrics: { valLoss: metrics.final?.valLoss ?? null, valAcc: metrics.final?.valAcc ?? null },
      loss: train.loss
    })
    const record: VerificationRecord = {
      ...who,
      accepted: verdict.accepted,
      reason: verdict.reason,
      heldOutAccuracy: verdict.heldOutAccuracy,
      heldOutLoss: verdict.heldOutLoss,
      baselineAccuracy: verdict.baselineAccuracy,
      baselineLoss: verdict.baselineLoss,
      at: Date.now()
    }
    if (!verdict.accepted) return { ok: false, record }
    for (const name of [JOB_FILES.model, JOB_FILES.metrics]) {
      await rm(join(task.dir, name), { recursive: true, force: true })
      await rename(join(staged, name), join(task.dir, name))
    }
    return { ok: true, record, metrics }
  } finally {
    await rm(staged, { recursive: true, force: true })
  }
}
