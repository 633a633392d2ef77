/**
 * bench:train-network — wall time of a training job through the network (requester, super-peer
 * and worker on loopback: offer, bid, award, dataset over bitswap, training in the worker's
 * sandbox with a checkpoint report every second, model back over bitswap, verification on the
 * held-out rows) against training the same model on the same rows in this process (target ≤ 1.3×).
 *
 * Env: BENCH_TRAIN_NET_ROWS (6000), BENCH_TRAIN_NET_EPOCHS (35), BENCH_TRAIN_NET_HIDDEN ("256,128"),
 * BENCH_TRAIN_NET_BATCH (32), BENCH_TRAIN_NET_ROUNDS (3: network and in-process alternate, so load
 * from other programs hits both alike; the medians are compared). The defaults train for about
 * 30 s on one core of a quiet machine (tfjs-wasm runs one thread under Node).
 */
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { RynusNode } from '../../node/rynus-node.js'
import { selectBackend } from '../../node/trainer/backend.js'
import { parseCsvDataset, type TabularDataset, toCsv } from '../../node/trainer/dataset.js'
import { prepareTrainingData } from '../../node/trainer/preprocess.js'
import { validateTrainParams } from '../../node/trainer/spec.js'
import { runTraining } from '../../node/trainer/train-loop.js'
import { seededRng } from '../../scheduler/rng.js'
import { dialAddress, removeTempDirs, startTestNode, waitFor } from '../e2e/harness.js'

const ROWS = Number(process.env.BENCH_TRAIN_NET_ROWS ?? 6000)
const EPOCHS = Number(process.env.BENCH_TRAIN_NET_EPOCHS ?? 35)
const HIDDEN = (process.env.BENCH_TRAIN_NET_HIDDEN ?? '256,128').split(',').map(Number)
const BATCH = Number(process.env.BENCH_TRAIN_NET_BATCH ?? 32)
const ROUNDS = Number(process.env.BENCH_TRAIN_NET_ROUNDS ?? 3)
const FEATURES = 32
const CLASSES = 10
const TARGET_RATIO = 1.3

/** Gaussian clusters, FEATURES numeric columns and CLASSES labels, deterministic. */
function syntheticDataset(): TabularDataset {
  const random = seededRng(42)
  const gaussian = (): number => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random())
  const centres = Array.from({ length: CLASSES }, () => Array.from({ length: FEATURES }, () => gaussian()))
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

interface Network {
  nodes: RynusNode[]
  requester: RynusNode
}

async function startNetwork(): Promise<Network> {
  const superPeer = await startTestNode({ roles: ['super-peer'] })
  const bootstrap = [dialAddress(superPeer)]
  const worker = await startTestNode({ roles: ['worker'], bootstrap })
  const requester = await startTestNode({ roles: ['requester'], bootstrap })
  const service = requester.requester!
  await waitFor(async () => (await service.workers.entries(true)).length === 1, 30_000, 500)
  return { nodes: [requester, worker, superPeer], requester }
}

/** One job from submit to completed (the model verified); returns its wall time. */
async function throughNetwork(
  net: Network,
  csvPath: string,
  round: number
): Promise<{ wallMs: number; jobId: string }> {
  const service = net.requester.requester!
  const marks: Record<string, number> = {}
  const started = performance.now()
  const onJob = (e: { type: string }): void => {
    if (e.type === 'awarded' || e.type === 'task-delivered') marks[e.type] ??= performance.now() - started
  }
  const onCheckpoint = (): void => {
    marks['first checkpoint stored'] ??= performance.now() - started
  }
  service.jobs.events.on('job', onJob)
  service.train.checkpoints.events.on('checkpoint', onCheckpoint)
  const jobId = await service.submitTrain({
    dataset: { path: csvPath },
    labelColumn: 'label',
    model: { kind: 'template', name: 'mlp', hidden: HIDDEN },
    epochs: EPOCHS,
    batchSize: BATCH,
    learningRate: 0.001,
    preprocessing: { shuffleSeed: 1, validationSplit: 0.1 },
    heldOut: { fraction: 0.1, seed: round },
    maxPricePerUnit: (10n ** 15n).toString()
  })
  let state = ''
  await waitFor(
    async () => {
      state = (await service.get(jobId))?.job.state.name ?? ''
      return ['completed', 'failed', 'cancelled'].includes(state)
    },
    900_000,
    100
  )
  const wallMs = performance.now() - started
  service.jobs.events.off('job', onJob)
  service.train.checkpoints.events.off('checkpoint', onCheckpoint)
  if (state !== 'completed') throw new Error(`the job ended ${state}`)
  const view = await service.trainView(jobId)
  const steps = Object.entries(marks).map(([name, at]) => `${name} ${(at / 1000).toFixed(1)} s`)
  console.log(`  round ${round} network:    ${(wallMs / 1000).toFixed(2)} s (${steps.join(', ')})`)
  console.log(`    ${view?.verifications.at(-1)?.reason}; trained on ${JSON.stringify(view?.model?.backend)}`)
  return { wallMs, jobId }
}

/** The same parameters on the same rows (the job's sent.csv), trained in this process on wasm. */
async function inProcess(net: Network, jobId: string, scratch: string, round: number): Promise<number> {
  const service = net.requester.requester!
  const spec = (await service.get(jobId))!.job.spec
  const { datasetInfo: _, ...train } = spec.train!
  const params = validateTrainParams(train)
  const sent = parseCsvDataset(await service.train.store.readCsv(jobId, 'sent.csv'), 'label')
  const { tf, info } = await selectBackend({ force: 'wasm' })
  const dir = await mkdtemp(join(scratch, 'local-'))
  const started = performance.now()
  await runTraining({
    tf,
    backend: info,
    params,
    data: prepareTrainingData(sent, params.preprocessing),
    checkpointsDir: join(dir, 'checkpoints'),
    modelDir: join(dir, 'model'),
    metricsPath: join(dir, 'metrics.json')
  })
  const wallMs = performance.now() - started
  console.log(
    `  round ${round} in-process: ${(wallMs / 1000).toFixed(2)} s (wasm, simd ${info.simd}, threads ${info.threads})`
  )
  return wallMs
}

const median = (values: number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!

async function main(): Promise<void> {
  const scratch = await mkdtemp(join(tmpdir(), 'rynus-bench-train-net-'))
  await chmod(scratch, 0o755)
  let net: Network | undefined
  try {
    const csvPath = join(scratch, 'data.csv')
    await writeFile(csvPath, toCsv(syntheticDataset()))
    console.log(
      `bench:train-network — MLP ${FEATURES}→${HIDDEN.join('→')}→${CLASSES}, ${ROWS} rows (10 % held out), ` +
        `${EPOCHS} epochs, batch ${BATCH}, adam; ${ROUNDS} rounds, network and in-process alternating`
    )
    net = await startNetwork()
    const network: number[] = []
    const local: number[] = []
    for (let round = 1; round <= ROUNDS; round++) {
      const run = await throughNetwork(net, csvPath, round)
      network.push(run.wallMs)
      local.push(await inProcess(net, run.jobId, scratch, round))
    }
    const ratio = median(network) / median(local)
    console.log(`  in-process training, median         ${(median(local) / 1000).toFixed(2)} s wall`)
    console.log(
      `  through the network, median         ${(median(network) / 1000).toFixed(2)} s wall (submit → verified)`
    )
    console.log(
      `  ratio network / in-process          ${ratio.toFixed(2)}×   target ≤ ${TARGET_RATIO}×: ${ratio <= TARGET_RATIO ? 'met' : 'NOT met'}` +
        ` (best rounds: ${(Math.min(...network) / Math.min(...local)).toFixed(2)}×)`
    )
  } finally {
    await Promise.allSettled((net?.nodes ?? []).map((n) => n.stop()))
    await removeTempDirs()
    await rm(scratch, { recursive: true, force: true })
  }
}

await main()
