import { lstat, readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import type { io } from '@tensorflow/tfjs'
import { MAX_JSON_BYTES, MAX_MODEL_PARAMS, MODEL_JSON, WEIGHTS_BIN } from './constants.js'
import { TrainFailedError } from './errors.js'

type WeightSpec = io.WeightsManifestEntry

/** What a model folder holds, checked: topology, weight specs and the weight bytes in spec order. */
export interface ModelFiles {
  modelTopology: Record<string, unknown>
  weightSpecs: WeightSpec[]
  weightData: ArrayBuffer
  trainingConfig?: io.TrainingConfig
}

const FILE_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/
const BYTES: Record<string, number> = { float32: 4, int32: 4 }
/** Most weight bytes a model folder may hold (every parameter float32). */
const MAX_MODEL_BYTES = MAX_MODEL_PARAMS * 4

function bad(dir: string, problem: string): never {
  throw new TrainFailedError(`the model in ${dir} is not usable: ${problem}`, 'ERR_TRAIN_MODEL')
}

/** Reads a regular file (never through a link) of at most `max` bytes. */
export async function readRegularFile(path: string, max: number): Promise<Buffer> {
  const info = await lstat(path).catch(() => undefined)
  if (info === undefined || !info.isFile())
    throw new TrainFailedError(`${path} is missing or not a regular file`, 'ERR_TRAIN_MODEL')
  if (info.size > max) throw new TrainFailedError(`${path} is larger than ${max} bytes`, 'ERR_TRAIN_MODEL')
  return readFile(path)
}

/** Bytes one weight occupies; refuses quantized, string or complex weights. */
export function weightBytes(spec: WeightSpec, dir: string): number {
  if (typeof spec.name !== 'string' || !Array.isArray(spec.shape) || spec.quantization !== undefined) {
    bad(dir, 'a weight entry is malformed or quantized')
  }
  const size = BYTES[spec.dtype]
  if (size === undefined)
    bad(dir, `weight ${spec.name} has dtype ${spec.dtype}; only float32 and int32 are read`)
  let count = 1
  for (const d of spec.shape) {
    if (!Number.isSafeInteger(d) || d < 0) bad(dir, `weight ${spec.name} has a bad shape`)
    count *= d
  }
  if (count > MAX_MODEL_PARAMS) bad(dir, `weight ${spec.name} is larger than ${MAX_MODEL_PARAMS} values`)
  return count * size
}

/**
 * Reads a tfjs layers model folder (model.json + weight files) written by tfjs or by
 * `saveModelFiles`, refusing what a hostile sender could use: links, oversized files, weight
 * paths outside the folder, quantized or non-numeric weights, sizes that do not add up.
 */
export async function readModelFiles(dir: string): Promise<ModelFiles> {
  let json: Record<string, unknown>
  try {
    json = JSON.parse((await readRegularFile(join(dir, MODEL_JSON), MAX_JSON_BYTES)).toString('utf8'))
  } catch (err) {
    return bad(dir, `model.json cannot be read (${(err as Error).message})`)
  }
  const topology = json.modelTopology
  const manifest = json.weightsManifest
  if (topology === null || typeof topology !== 'object' || !Array.isArray(manifest)) {
    bad(dir, 'model.json needs modelTopology and weightsManifest')
  }
  const weightSpecs: WeightSpec[] = []
  const parts: Buffer[] = []
  let total = 0
  for (const group of manifest as io.WeightsManifestConfig) {
    if (!Array.isArray(group?.paths) || !Array.isArray(group.weights))
      bad(dir, 'a weightsManifest group is malformed')
    let expected = 0
    for (const spec of group.weights) {
      expected += weightBytes(spec, dir)
      weightSpecs.push(spec)
    }
    total += expected
    if (total > MAX_MODEL_BYTES) bad(dir, `the weights are larger than ${MAX_MODEL_BYTES} bytes`)
    let got = 0
    for (const path of group.paths) {
      if (typeof path !== 'string' || !FILE_NAME.test(path))
        bad(dir, `weight path ${String(path)} is not a plain file name`)
      const bytes = await readRegularFile(join(dir, path), expected - got)
      got += bytes.length
      parts.push(bytes)
    }
    if (got !== expected) bad(dir, `the weight files hold ${got} bytes but the manifest needs ${expected}`)
  }
  const weightData = Buffer.concat(parts)
  return {
    modelTopology: topology as Record<string, unknown>,
    weightSpecs,
    weightData: weightData.buffer.slice(
      weightData.byteOffset,
      weightData.byteOffset + weightData.byteLength
    ) as ArrayBuffer,
    ...(json.trainingConfig !== undefined && { trainingConfig: json.trainingConfig as io.TrainingConfig })
  }
}

/** A tfjs IOHandler that loads a model folder checked by `readModelFiles` (for tf.loadLayersModel). */
export function modelFolderLoader(dir: string): io.IOHandler {
  return { load: async () => ({ ...(await readModelFiles(dir)), format: 'layers-model' }) }
}

/**
 * A tfjs IOHandler that writes `model.save(handler)` into a folder as model.json + weights.bin,
 * the layout tf.loadLayersModel reads.
 */
export function modelFolderSaver(dir: string): io.IOHandler {
  return {
    save: async (artifacts: io.ModelArtifacts): Promise<io.SaveResult> => {
      const data = artifacts.weightData ?? new ArrayBuffer(0)
      const weights = Buffer.concat((Array.isArray(data) ? data : [data]).map((b) => Buffer.from(b)))
      await writeFile(join(dir, WEIGHTS_BIN), weights)
      const modelJson = {
        format: 'layers-model',
        generatedBy: artifacts.generatedBy,
        convertedBy: null,
        modelTopology: artifacts.modelTopology,
        ...(artifacts.trainingConfig && { trainingConfig: artifacts.trainingConfig }),
        weightsManifest: [{ paths: [WEIGHTS_BIN], weights: artifacts.weightSpecs ?? [] }]
      }
      const text = JSON.stringify(modelJson)
      await writeFile(join(dir, MODEL_JSON), text)
      return {
        modelArtifactsInfo: {
          dateSaved: new Date(),
          modelTopologyType: 'JSON',
          modelTopologyBytes: text.length,
          weightSpecsBytes: JSON.stringify(artifacts.weightSpecs ?? []).length,
          weightDataBytes: weights.length
        }
      }
    }
  }
}
