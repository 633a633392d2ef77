import assert from 'node:assert/strict'
import { type ChildProcess, spawn } from 'node:child_process'
import { mkdir, readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { fileURLToPath } from 'node:url'
import { peerIdFromString } from '@libp2p/peer-id'
import type { Tensor } from '@tensorflow/tfjs'
import { loadOrCreatePeerKey } from '../../node/data-dir.js'
import type { TrainCheckpoints } from '../../node/requester/train-checkpoints.js'
import type { TrainSubmission } from '../../node/requester/train-submission.js'
import type { RynusNode } from '../../node/rynus-node.js'
import { selectBackend } from '../../node/trainer/backend.js'
import { modelFolderSaver } from '../../node/trainer/model-files.js'
import { resolveModel } from '../../node/trainer/templates.js'
import { silentLogger } from '../../protocols/common/logger.js'
import { JobChannel } from '../../protocols/job/index.js'
import { OFFERS_TOPIC } from '../../protocols/offers/constants.js'
import { importDirectory } from '../../storage/files/index.js'
import {
  CLI_BIN,
  dialAddress,
  removeTempDirs,
  runCli,
  startTestNode,
  tempDataDir,
  waitFor
} from './harness.js'

const SPECIES = fileURLToPath(new URL('../../../simulations/assets/train/species.csv', import.meta.url))
const MILLI_TOKEN = 10n ** 15n

/** The species CSV (600 rows, 4 features, 3 classes) as an MLP job; 20 % of the rows stay on the requester. */
function speciesJob(overrides: Partial<TrainSubmission> = {}): TrainSubmission {
  return {
    dataset: { path: SPECIES },
    labelColumn: 'species',
    model: { kind: 'template', name: 'mlp', hidden: [16] },
    epochs: 20,
    batchSize: 16,
    learningRate: 0.02,
    heldOut: { fraction: 0.2, seed: 11 },
    maxPricePerUnit: MILLI_TOKEN.toString(),
    ...overrides
  }
}

/**
 * A job long enough to interrupt: ~0.25 s per epoch on the wasm backend (240 batches), so ~15 s
 * in all, and workers report checkpoints at most every 5 s (CHECKPOINT_REPORT_MS).
 */
const SLOW_EPOCHS = 60
const slowJob = (): TrainSubmission => speciesJob({ epochs: SLOW_EPOCHS, batchSize: 2, learningRate: 0.01 })

describe('training jobs on a network of real nodes', { timeout: 300_000 }, () => {
  const nodes: RynusNode[] = []
  const children: ChildProcess[] = []
  let superPeer: RynusNode
  let requester: RynusNode
  let bootstrap: string[]

  before(async () => {
    superPeer = await startTestNode({ roles: ['super-peer'] })
    nodes.push(superPeer)
    bootstrap = [dialAddress(superPeer)]
    // short enough to notice the killed worker soon, long enough that a busy box's in-process
    // workers do not miss it (4 s did under CI load: the honest worker was dropped as failed)
    requester = await startTestNode({ roles: ['requester'], bootstrap, heartbeatTimeoutMs: 10_000 })
    nodes.push(requester)
  })
  after(async () => {
    for (const child of children) child.kill('SIGKILL')
    await Promise.allSettled(nodes.map((n) => n.stop()))
    await removeTempDirs()
  })

  const service = (): NonNullable<RynusNode['requester']> => requester.requester!
  const checkpoints = (): TrainCheckpoints => service().train.checkpoints

  async function worker(opts: { paused?: boolean } = {}): Promise<RynusNode> {
    const node = await startTestNode({ roles: ['worker'], bootstrap })
    nodes.push(node)
    if (opts.paused === true) node.worker!.pause()
    await waitForWorkers([node.peerId.toString()])
    return node
  }

  async function retire(node: RynusNode): Promise<void> {
    await node.stop()
    nodes.splice(nodes.indexOf(node), 1)
  }

  /** The requester finds the workers in the DHT and sees them subscribed to offers (so the first offer reaches them). */
  async function waitForWorkers(peers: string[]): Promise<void> {
    const found = await waitFor(
      async () => {
        const known = (await service().workers.entries(true)).map((e) => e.peerId)
        return peers.every((p) => known.includes(p))
      },
      30_000,
      500
    )
    assert.ok(found, 'the requester finds the workers in the DHT')
    for (const peer of peers) await requester.libp2p.dial(peerIdFromString(peer))
    const subscribed = await waitFor(() => {
      const subscribers = requester.libp2p.services.pubsub.getSubscribers(OFFERS_TOPIC).map(String)
      return peers.every((p) => subscribers.includes(p))
    }, 15_000)
    assert.ok(subscribed, 'the workers are subscribed to job offers')
  }

  async function finished(jobId: string, timeoutMs = 150_000): Promise<string> {
    let state = ''
    await waitFor(
      async () => {
        state = (await service().get(jobId))?.job.state.name ?? ''
        return ['completed', 'failed', 'cancelled'].includes(state)
      },
      timeoutMs,
      250
    )
    return state
  }

  async function awardedTo(jobId: string, worker: string): Promise<void> {
    let awarded = false
    const listener = (event: { jobId: string; type: string; worker?: string }): void => {
      if (event.jobId === jobId && event.type === 'awarded' && event.worker === worker) awarded = true
    }
    service().jobs.events.on('job', listener)
    const ok = await waitFor(() => awarded, 60_000, 50)
    service().jobs.events.off('job', listener)
    assert.ok(ok, `the task was not awarded to ${worker}: ${await history(jobId)}`)
  }

  /** The job's last events and every verification verdict, for failure messages. */
  const history = async (jobId: string): Promise<string> =>
    JSON.stringify({
      history: (await service().history(jobId)).slice(-6).map((h) => h.message),
      verdicts: (await service().trainView(jobId))?.verifications.map(
        (v) => `${v.worker.slice(-6)}: ${v.reason}`
      )
    })

  it('a small tabular job trains through the network to at least 90 % held-out accuracy', async () => {
    const w = await worker()
    try {
      const jobId = await service().submitTrain(speciesJob())
      assert.equal(await finished(jobId), 'completed', await history(jobId))
      const train = (await service().trainView(jobId))!
      const verdict = train.verifications.at(-1)!
      assert.ok(verdict.accepted, verdict.reason)
      assert.ok(verdict.heldOutAccuracy >= 0.9, `held-out accuracy ${verdict.heldOutAccuracy}`)
      assert.equal(train.heldOut.rows, 120, 'the requester kept 20 % of 600 rows')
      assert.deepEqual(
        train.epochs.map((e) => e.epoch),
        Array.from({ length: 20 }, (_, i) => i + 1)
      )
      assert.ok(train.epochs.every((e) => e.loss !== null && e.valAcc !== null && e.status === 'accepted'))
      assert.equal(train.deliveredBy[w.peerId.toString()], 20, 'every epoch is paid to the worker')
      // the worker never saw the held-out rows
      const sent = await readFile(join(service().train.store.dir(jobId), 'sent.csv'), 'utf8')
      const heldOut = (await readFile(join(service().train.store.dir(jobId), 'heldout.csv'), 'utf8')).split(
        '\n'
      )
      assert.equal(sent.trim().split('\n').length, 481)
      assert.ok(heldOut.slice(1, 20).every((row) => row === '' || !sent.includes(`\n${row}\n`)))
      await loadsWithStockTfjs(jobId)
    } finally {
      await retire(w)
    }
  })

  /**
   * `job get` writes model/model.json, model/weights.bin and metrics.json; stock tf.loadLayersModel
   * loads the model from them (and straight from the node's API), and with metrics.json's
   * normalization and classes it labels the held-out rows it never saw.
   */
  async function loadsWithStockTfjs(jobId: string): Promise<void> {
    const { host, port } = requester.api.address()
    await writeFile(join(requester.dataDir, 'api-address'), `http://${host}:${port}\n`)
    const out = join(await tempDataDir(), 'model-out')
    const got = await runCli(['job', 'get', jobId, '-o', out, '--data-dir', requester.dataDir])
    assert.equal(got.code, 0, got.stderr)
    const { tf } = await selectBackend({ force: 'wasm' })
    const modelJson = JSON.parse(await readFile(join(out, 'model', 'model.json'), 'utf8'))
    const weights = await readFile(join(out, 'model', 'weights.bin'))
    assert.deepEqual(modelJson.weightsManifest[0].paths, ['weights.bin'])
    const model = await tf.loadLayersModel(
      tf.io.fromMemory({
        modelTopology: modelJson.modelTopology,
        weightSpecs: modelJson.weightsManifest[0].weights,
        weightData: new Uint8Array(weights).buffer
      })
    )
    const metrics = JSON.parse(await readFile(join(out, 'metrics.json'), 'utf8'))
    assert.deepEqual(metrics.classes, ['setosa', 'versicolor', 'virginica'])
    const held = (await readFile(join(service().train.store.dir(jobId), 'heldout.csv'), 'utf8'))
      .trim()
      .split('\n')
    const rows = held.slice(1).map((line) => line.split(','))
    const x = rows.map((r) =>
      r.slice(0, 4).map((v, i) => (Number(v) - metrics.normalization.mean[i]) / metrics.normalization.std[i])
    )
    const predicted = (model.predict(tf.tensor2d(x)) as Tensor).argMax(-1).arraySync() as number[]
    const correct = predicted.filter((p, i) => metrics.classes[p] === rows[i]![4]).length
    assert.ok(
      correct / rows.length >= 0.9,
      `the written model labels ${correct} of ${rows.length} held-out rows`
    )
    model.dispose()
    const token = (await readFile(join(requester.dataDir, 'api-token'), 'utf8')).trim()
    const url = `http://${host}:${port}/api/v1/jobs/${jobId}/train/model.json`
    const served = await tf.loadLayersModel(
      tf.io.http(url, { requestInit: { headers: { authorization: `Bearer ${token}` } } })
    )
    assert.deepEqual(served.outputs[0]!.shape, [null, 3])
    served.dispose()
  }

  it('a worker killed after epoch k: another worker resumes from its checkpoint and the job completes', async () => {
    const doomed = await startWorkerProcess(bootstrap[0]!, children)
    await waitForWorkers([doomed.peerId])
    // online and known before the job, but paused so the doomed worker takes it
    const steady = await worker({ paused: true })
    try {
      const jobId = await service().submitTrain(slowJob())
      let k = 0
      checkpoints().events.on('checkpoint', (event) => {
        if (k === 0 && event.jobId === jobId && event.worker === doomed.peerId && event.epoch >= 2) {
          k = event.epoch
          doomed.child.kill('SIGKILL')
          steady.worker!.resume()
        }
      })
      await awardedTo(jobId, doomed.peerId)
      assert.ok(
        await waitFor(() => k > 0, 60_000, 50),
        `no checkpoint after epoch 1 was stored: ${await history(jobId)}`
      )
      assert.equal(await finished(jobId), 'completed', await history(jobId))
      const train = (await service().trainView(jobId))!
      const resumed = train.resumes.find((r) => r.worker === steady.peerId.toString())
      assert.ok(resumed !== undefined, JSON.stringify(train.resumes))
      assert.ok(
        resumed.fromEpoch > k,
        `the second worker resumed at epoch ${resumed.fromEpoch}, after epoch ${k}`
      )
      const byWorker = (peer: string): number[] =>
        train.epochs.filter((e) => e.worker === peer).map((e) => e.epoch)
      const first = byWorker(doomed.peerId)
      assert.ok(first.length >= k && first[0] === 1, `the killed worker delivered epochs 1-${k}: ${first}`)
      assert.equal(
        Math.min(...byWorker(steady.peerId.toString())),
        resumed.fromEpoch,
        'the steady worker redid nothing'
      )
      assert.ok(train.deliveredBy[doomed.peerId]! >= k, 'the killed worker is paid for what it delivered')
      assert.ok(train.verifications.at(-1)!.accepted, train.verifications.at(-1)!.reason)
      const view = (await service().get(jobId))!
      assert.ok(view.job.failedWorkers.includes(doomed.peerId))
    } finally {
      await retire(steady)
    }
  })

  it('an untrained model is rejected by verification and the job completes on an honest worker', async () => {
    const liar = await worker()
    // online before the lie is judged, so the reassigned task finds it; paused for the first offer
    const honest = await worker({ paused: true })
    try {
      const jobId = await service().submitTrain(slowJob())
      await awardedTo(jobId, liar.peerId.toString())
      honest.worker!.resume()
      await sendUntrainedResult(liar, jobId, SLOW_EPOCHS)
      assert.equal(await finished(jobId), 'completed', await history(jobId))
      const train = (await service().trainView(jobId))!
      const [lie, truth] = [train.verifications[0]!, train.verifications.at(-1)!]
      assert.equal(lie.worker, liar.peerId.toString())
      assert.equal(lie.accepted, false)
      assert.match(lie.reason, /no better than an untrained model|reported validation/)
      assert.equal(truth.worker, honest.peerId.toString())
      assert.ok(truth.accepted && truth.heldOutAccuracy >= 0.9, truth.reason)
      const resumed = train.resumes.find((r) => r.worker === honest.peerId.toString())
      assert.equal(resumed?.fromEpoch, 1, "the liar's checkpoints are not resumed from")
      assert.ok(
        train.epochs.every((e) => e.worker === honest.peerId.toString()),
        'the liar is paid for nothing'
      )
    } finally {
      await Promise.all([retire(liar), retire(honest)])
    }
  })

  /** The liar's node signs a result naming a freshly initialised model that claims good metrics. */
  async function sendUntrainedResult(liar: RynusNode, jobId: string, epochs: number): Promise<void> {
    const { tf } = await selectBackend({ force: 'wasm' })
    const dir = join(await tempDataDir(), 'final')
    await mkdir(join(dir, 'model'), { recursive: true })
    const resolved = resolveModel({ kind: 'template', name: 'mlp', hidden: [16] }, 4, 3)
    const model = await tf.models.modelFromJSON({ modelTopology: resolved.topology as never })
    await model.save(modelFolderSaver(join(dir, 'model')))
    model.dispose()
    const claim = { epoch: epochs, loss: 0.05, acc: 0.98, valLoss: 0.05, valAcc: 0.98 }
    await writeFile(
      join(dir, 'metrics.json'),
      JSON.stringify({ final: claim, history: [claim], classes: ['setosa', 'versicolor', 'virginica'] })
    )
    const { cid, size } = await importDirectory(liar.helia, dir)
    const channel = new JobChannel(
      {},
      { libp2p: liar.libp2p, privateKey: await loadOrCreatePeerKey(liar.dataDir), logger: silentLogger }
    )
    const outputs = Array.from({ length: epochs }, (_, i) => ({ frame: i + 1, cid, bytes: size }))
    const result = { jobId, taskId: 'task-0', outputs, error: '', createdAt: Date.now() }
    let ack: Awaited<ReturnType<JobChannel['sendResult']>> | undefined
    for (let attempt = 1; ack === undefined; attempt++) {
      // a busy test process can lose a connection under libp2p's ping monitor; a worker would retry too
      ack = await channel.sendResult(requester.peerId, result).catch((err: unknown) => {
        if (attempt >= 3) throw err
        return undefined
      })
    }
    assert.equal(ack.accepted, false, 'the requester refuses the untrained model')
  }
})

/** A worker in its own process, so the test can SIGKILL it like a machine losing power. */
async function startWorkerProcess(
  bootstrap: string,
  children: ChildProcess[]
): Promise<{ child: ChildProcess; peerId: string }> {
  const dataDir = await tempDataDir()
  const child = spawn(
    process.execPath,
    [
      CLI_BIN,
      'start',
      ...['--data-dir', dataDir, '--json', '--roles', 'worker', '--bootstrap', bootstrap],
      ...['--listen', '/ip4/127.0.0.1/tcp/0', '--api-port', '0'],
      ...['--dht-mode', 'server', '--dht-private-addresses', 'true']
    ],
    { env: { ...process.env, RYNUS_LOG_LEVEL: 'warn' } }
  )
  children.push(child)
  let out = ''
  child.stdout.on('data', (d: Buffer) => {
    out += d.toString()
  })
  assert.ok(await waitFor(() => out.trim().endsWith('}'), 30_000, 100), 'the worker process started')
  return { child, peerId: (JSON.parse(out) as { peerId: string }).peerId }
}
