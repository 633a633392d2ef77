/**
 * The training process: `node dist/node/trainer/train-worker.js [jobDir] [--backend auto|wasm|cpu]`.
 * Started by TrainExecutor inside the sandbox (jobDir = /job), never on the node's event loop.
 *
 * Reads spec.json (validated again here: the process trusts nothing it is given), data.csv,
 * x.npy + y.npy or images/<class>/<image> (decoded and resized here, inside the sandbox), and an optional checkpoint/ to resume from; writes checkpoints/ckpt-<epoch>/
 * after every epoch, model/ and metrics.json at the end. Prints one JSON event per line on
 * stdout: start, epoch, done, or error (with the error's code); everything else goes to stderr.
 */
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { isRynusError } from '../../protocols/common/errors.js'
import { type BackendName, selectBackend } from './backend.js'
import { JOB_FILES, MAX_JSON_BYTES } from './constants.js'
import { datasetFromNpy, parseCsvDataset, type TabularDataset } from './dataset.js'
import { DatasetError, TrainSpecError } from './errors.js'
import { readImageFolder } from './image-folder.js'
import type { ImageShape } from './image-resize.js'
import { readRegularFile } from './model-files.js'
import { parseNpy } from './npy.js'
import { prepareTrainingData } from './preprocess.js'
import { type TrainParams, validateTrainParams } from './spec.js'
import { runTraining } from './train-loop.js'

/** Largest dataset file the worker reads (the sandbox's memory limit bounds it further). */
const MAX_DATA_BYTES = 2 * 1024 * 1024 * 1024 - 1

function emit(event: Record<string, unknown>): void {
  process.stdout.write(`${JSON.stringify(event)}\n`)
}

async function readSpec(jobDir: string): Promise<TrainParams> {
  let raw: unknown
  try {
    raw = JSON.parse((await readRegularFile(join(jobDir, JOB_FILES.spec), MAX_JSON_BYTES)).toString('utf8'))
  } catch (err) {
    throw new TrainSpecError({ spec: `spec.json cannot be read as JSON (${(err as Error).message})` })
  }
  return validateTrainParams(raw)
}

async function readDataset(jobDir: string, params: TrainParams): Promise<TabularDataset> {
  const file = async (name: string): Promise<Buffer> =>
    readRegularFile(join(jobDir, name), MAX_DATA_BYTES).catch((err: Error) => {
      throw new DatasetError(`${name} cannot be read (${err.message})`)
    })
  if (params.dataset.format === 'image-folder') {
    const shape = params.dataset.imageShape as ImageShape
    return (await readImageFolder(join(jobDir, JOB_FILES.images), shape)).dataset
  }
  if (params.dataset.format === 'npy') {
    const x = parseNpy(await file(JOB_FILES.npyFeatures), JOB_FILES.npyFeatures)
    const y = parseNpy(await file(JOB_FILES.npyLabels), JOB_FILES.npyLabels)
    return datasetFromNpy(x, y)
  }
  const text = (await file(JOB_FILES.csv)).toString('utf8')
  return parseCsvDataset(text, params.dataset.labelColumn!)
}

function parseArgs(argv: string[]): { jobDir: string; backend?: BackendName } {
  let jobDir = '/job'
  let backend: BackendName | undefined
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!
    if (arg === '--backend') {
      const value = argv[++i]
      if (value === 'wasm' || value === 'cpu') backend = value
      else if (value !== 'auto') throw new Error(`--backend takes auto, wasm or cpu, not ${value}`)
    } else jobDir = arg
  }
  return { jobDir, backend }
}

async function main(): Promise<void> {
  // stdout carries only events; tfjs and anything else that logs goes to stderr
  console.log = console.info = console.warn = console.debug = console.error
  const { jobDir, backend } = parseArgs(process.argv.slice(2))
  const params = await readSpec(jobDir)
  const dataset = await readDataset(jobDir, params)
  const data = prepareTrainingData(dataset, params.preprocessing)
  const { tf, info } = await selectBackend({ ...(backend && { force: backend }) })
  const resume = join(jobDir, JOB_FILES.resume)
  const done = await runTraining({
    tf,
    backend: info,
    params,
    data,
    checkpointsDir: join(jobDir, JOB_FILES.checkpoints),
    modelDir: join(jobDir, JOB_FILES.model),
    metricsPath: join(jobDir, JOB_FILES.metrics),
    ...(existsSync(join(resume, 'state.json')) && { resumeFrom: resume }),
    onStart: (event) => emit({ ...event }),
    onEpoch: (event) => emit({ ...event })
  })
  emit({ ...done })
}

main().then(
  () => process.stdout.write('', () => process.exit(0)),
  (err: unknown) => {
    const event: Record<string, unknown> = {
      type: 'error',
      code: isRynusError(err) ? err.code : 'ERR_TRAIN_FAILED',
      message: err instanceof Error ? err.message : String(err)
    }
    if (err instanceof TrainSpecError) event.fields = err.fields
    if (!isRynusError(err)) process.stderr.write(`${(err as Error)?.stack ?? String(err)}\n`)
    process.stdout.write(`${JSON.stringify(event)}\n`, () => process.exit(2))
  }
)
