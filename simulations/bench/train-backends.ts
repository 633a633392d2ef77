/**
 * npm run bench:train — training throughput (samples/s) of tfjs's wasm backend against its plain
 * JavaScript cpu backend on the same MLP in the same run (target ≥ 3×), and the wall time of the
 * same job through TrainExecutor (child process in the sandbox) against training in-process.
 *
 * Env: BENCH_TRAIN_ROWS (4096), BENCH_TRAIN_EPOCHS (3; the first is warm-up), BENCH_TRAIN_HIDDEN
 * ("256,128"), BENCH_TRAIN_BATCH (64), BENCH_TRAIN_EXECUTOR=0 to skip the executor comparison.
 */
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { selectBackend } from '../../node/trainer/backend.js'
import type { TabularDataset } from '../../node/trainer/dataset.js'
import { toCsv } from '../../node/trainer/dataset.js'
import { prepareTrainingData } from '../../node/trainer/preprocess.js'
import { type TrainParams, validateTrainParams } from '../../node/trainer/spec.js'
import { TrainExecutor } from '../../node/trainer/train-executor.js'
import { type EpochEvent, runTraining } from '../../node/trainer/train-loop.js'
import { silentLogger } from '../../protocols/common/logger.js'
import { seededRng } from '../../scheduler/rng.js'

const ROWS = Number(process.env.BENCH_TRAIN_ROWS ?? 4096)
const EPOCHS = Math.max(2, Number(process.env.BENCH_TRAIN_EPOCHS ?? 3))
const HIDDEN = (process.env.BENCH_TRAIN_HIDDEN ?? '256,128').split(',').map(Number)
const BATCH = Number(process.env.BENCH_TRAIN_BATCH ?? 64)
const FEATURES = 32
const CLASSES = 10
const TARGET_RATIO = 3

/** Gaussian clusters: FEATURES numeric columns, CLASSES labels, deterministic. */
function syntheticDataset(): TabularDataset {
  const random = seededRng(99)
  const gaussian = (): number => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random())
  const centres = Array.from({ length: CLASSES }, () =>
    Array.from({ length: FEATURES }, () => gaussian() * 2)
  )
  const features = new Float64Array(ROWS * FEATURES)
  const labels: string[] = []
  for (let r = 0; r < ROWS; r++) {
    const label = r % CLASSES
    for (let f = 0; f < FEATURES; f++) features[r * FEATURES + f] = centres[label]![f]! + gaussian()
    labels.push(`c${label}`)
  }
  return {
    featureNames: Array.from({ length: FEATURES }, (_, i) => `f${i}`),
    labelColumn: 'label',
    features,
    labels
  }
}

function params(): TrainParams {
  return validateTrainParams({
    model: { kind: 'template', name: 'mlp', hidden: HIDDEN },
    dataset: { cid: 'bench', name: 'bench.csv', format: 'csv', labelColumn: 'label' },
    preprocessing: { normalize: true, oneHot: true, shuffleSeed: 1, validationSplit: 0.1 },
    optimizer: 'adam',
    learningRate: 0.001,
    loss: 'categoricalCrossentropy',
    epochs: EPOCHS,
    batchSize: BATCH
  })
}

const median = (values: number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!

/** Trains in this process on `backend`; samples/s of the epochs after the first, and the wall time. */
async function inProcess(
  backend: 'wasm' | 'cpu',
  dataset: TabularDataset,
  scratch: string
): Promise<{ samplesPerSecond: number; wallMs: number; label: string }> {
  const { tf, info } = await selectBackend({ force: backend })
  const p = params()
  const dir = await mkdtemp(join(scratch, `${backend}-`))
  const epochs: EpochEvent[] = []
  const started = performance.now()
  await runTraining({
    tf,
    backend: info,
    params: p,
    data: prepareTrainingData(dataset, p.preprocessing),
    checkpointsDir: join(dir, 'checkpoints'),
    modelDir: join(dir, 'model'),
    metricsPath: join(dir, 'metrics.json'),
    onEpoch: (e) => {
      epochs.push(e)
    }
  })
  const wallMs = performance.now() - started
  const label = info.backend === 'wasm' ? `wasm (simd ${info.simd}, threads ${info.threads})` : info.backend
  return { samplesPerSecond: median(epochs.slice(1).map((e) => e.samplesPerSecond)), wallMs, label }
}

async function throughExecutor(dataset: TabularDataset, scratch: string): Promise<number> {
  const jobDir = await mkdtemp(join(scratch, 'job-'))
  await chmod(jobDir, 0o755)
  await writeFile(join(jobDir, 'data.csv'), toCsv(dataset))
  const executor = new TrainExecutor({ backend: 'wasm' }, { logger: silentLogger })
  const started = performance.now()
  await executor.run({ jobDir, params: params(), timeoutMs: 600_000 })
  return performance.now() - started
}

async function main(): Promise<void> {
  const scratch = await mkdtemp(join(tmpdir(), 'rynus-bench-train-'))
  await chmod(scratch, 0o755)
  try {
    const dataset = syntheticDataset()
    const wasm = await inProcess('wasm', dataset, scratch)
    const cpu = await inProcess('cpu', dataset, scratch)
    const ratio = wasm.samplesPerSecond / cpu.samplesPerSecond
    console.log(
      `bench:train — MLP ${FEATURES}→${HIDDEN.join('→')}→${CLASSES}, ${ROWS} rows, batch ${BATCH}, adam; ` +
        `median samples/s of epochs 2..${EPOCHS}`
    )
    console.log(`  ${wasm.label.padEnd(34)} ${wasm.samplesPerSecond} samples/s`)
    console.log(`  ${`${cpu.label} (plain JavaScript)`.padEnd(34)} ${cpu.samplesPerSecond} samples/s`)
    console.log(
      `  ratio wasm / cpu                   ${ratio.toFixed(2)}×   target ≥ ${TARGET_RATIO}×: ${ratio >= TARGET_RATIO ? 'met' : 'NOT met'}`
    )
    if (process.env.BENCH_TRAIN_EXECUTOR !== '0') {
      const executorMs = await throughExecutor(dataset, scratch)
      console.log(`  same job in-process (wasm)         ${(wasm.wallMs / 1000).toFixed(2)} s wall`)
      console.log(
        `  same job via TrainExecutor         ${(executorMs / 1000).toFixed(2)} s wall (sandboxed child process)`
      )
      console.log(`  ratio executor / in-process        ${(executorMs / wasm.wallMs).toFixed(2)}`)
    }
  } finally {
    await rm(scratch, { recursive: true, force: true })
  }
}

await main()
