// A paid training job whose first worker is SIGKILLed after delivering k epochs: the requester
// pays it for those k epochs on chain (settlePartial) and unlocks its collateral, and the worker
// that resumes from its checkpoint is awarded and paid only the epochs after k.
import assert from 'node:assert/strict'
import { type ChildProcess, spawn } from 'node:child_process'
import { after, before, describe, it } from 'node:test'
import { fileURLToPath } from 'node:url'
import { peerIdFromString } from '@libp2p/peer-id'
import { TaskState } from '../../contracts/types/JobMarket.js'
import type { ChainConfig } from '../../node/chain/index.js'
import { ChainDevnetService } from '../../node/devnet/chain-service.js'
import type { DevnetNode } from '../../node/devnet/devnet.js'
import type { RynusNode } from '../../node/rynus-node.js'
import { silentLogger } from '../../protocols/common/logger.js'
import { OFFERS_TOPIC } from '../../protocols/offers/constants.js'
import { dialAddress, removeTempDirs, startTestNode, tempDataDir, waitFor } from './harness.js'

const SPECIES = fileURLToPath(new URL('../../../simulations/assets/train/species.csv', import.meta.url))
const BIN = fileURLToPath(new URL('../../node/bin.js', import.meta.url))
const MILLI_TOKEN = 10n ** 15n
const FEE_BPS = 100n
/** ~0.25 s per epoch on the wasm backend; checkpoints are reported at most every 5 s. */
const EPOCHS = 60

const afterFee = (amount: bigint): bigint => amount - (amount * FEE_BPS) / 10_000n

describe('a paid training job whose worker dies mid-task', { timeout: 300_000 }, () => {
  const chain = new ChainDevnetService({ port: 0 })
  const members = new Map<string, DevnetNode>()
  const nodes: RynusNode[] = []
  const children: ChildProcess[] = []
  let bootstrap: string[]

  const config = (name: string): ChainConfig => chain.chainConfig(members.get(name)!)

  before(async () => {
    for (const [name, roles] of [
      ['steady', ['worker']],
      ['doomed', ['worker']],
      ['requester', ['requester']]
    ] as const) {
      members.set(name, {
        spec: { name, roles: [...roles], tcpPort: 0, wsPort: 0, apiPort: 0 },
        dataDir: await tempDataDir(),
        peerId: '',
        token: '',
        apiBase: ''
      })
    }
    await chain.start({ baseDir: await tempDataDir(), nodes: [...members.values()], logger: silentLogger })
    const superPeer = await startTestNode({ roles: ['super-peer'] })
    nodes.push(superPeer)
    bootstrap = [dialAddress(superPeer)]
  })

  after(async () => {
    for (const child of children) child.kill('SIGKILL')
    await Promise.allSettled(nodes.map((n) => n.stop()))
    await chain.stop()
    await removeTempDirs()
  })

  async function node(name: string, roles: Array<'worker' | 'requester'>): Promise<RynusNode> {
    const m = members.get(name)!
    const n = await startTestNode({
      roles,
      bootstrap,
      dataDir: m.dataDir,
      chain: config(name),
      // short enough to notice the killed worker soon, long enough that a busy machine (training
      // shares this process with the requester) does not fail the steady worker too
      heartbeatTimeoutMs: 10_000
    })
    nodes.push(n)
    return n
  }

  /** The doomed worker in its own process, so it can be SIGKILLed like a machine losing power. */
  async function doomedProcess(): Promise<{ child: ChildProcess; peerId: string }> {
    const cfg = config('doomed')
    const child = spawn(
      process.execPath,
      [
        BIN,
        'start',
        ...['--data-dir', members.get('doomed')!.dataDir, '--json', '--roles', 'worker'],
        ...['--bootstrap', bootstrap[0]!, '--listen', '/ip4/127.0.0.1/tcp/0', '--api-port', '0'],
        ...['--dht-mode', 'server', '--dht-private-addresses', 'true'],
        ...['--chain-rpc-url', cfg.rpcUrl, '--chain-id', String(cfg.chainId), '--chain-token', cfg.token],
        ...['--chain-registry', cfg.registry, '--chain-market', cfg.market],
        ...['--chain-deploy-block', String(cfg.deployBlock), '--chain-passphrase-file', cfg.passphraseFile]
      ],
      { env: { ...process.env, RYNUS_LOG_LEVEL: 'warn' } }
    )
    children.push(child)
    let out = ''
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString()
    })
    assert.ok(await waitFor(() => out.trim().endsWith('}'), 60_000, 100), 'the doomed worker started')
    return { child, peerId: (JSON.parse(out) as { peerId: string }).peerId }
  }

  it('pays the killed worker k epochs minus the fee and unlocks its collateral; the finisher is awarded and paid the other epochs', async () => {
    const doomed = await doomedProcess()
    const requester = await node('requester', ['requester'])
    const service = requester.requester!
    const { market, registry } = requester.settlement!.client
    const doomedWallet = await registry.workerOfPeer(peerIdFromString(doomed.peerId).toMultihash().bytes)
    assert.ok(
      await waitFor(async () => (await registry.workerInfo(doomedWallet)).stake_ > 0n, 60_000, 250),
      'the doomed worker registered and staked'
    )
    // online and known before the job, but paused so the doomed worker takes it
    const steady = await node('steady', ['worker'])
    steady.worker!.pause()
    const peers = [doomed.peerId, steady.peerId.toString()]
    assert.ok(
      await waitFor(async () => {
        const known = (await service.workers.entries(true)).map((e) => e.peerId)
        return peers.every((p) => known.includes(p))
      }, 30_000),
      'the requester finds both workers'
    )
    for (const peer of peers) await requester.libp2p.dial(peerIdFromString(peer))
    assert.ok(
      await waitFor(() => {
        const subscribers = requester.libp2p.services.pubsub.getSubscribers(OFFERS_TOPIC).map(String)
        return peers.every((p) => subscribers.includes(p))
      }, 15_000),
      'both workers are subscribed to offers'
    )
    const stakeBefore = (await registry.workerInfo(doomedWallet)).stake_
    const steadyBefore = (await steady.settlement!.worker.balances()).market.withdrawable
    const doomedBefore = (await market.accountOf(doomedWallet)).withdrawable

    const started = Date.now()
    const jobId = await service.submitTrain({
      dataset: { path: SPECIES },
      labelColumn: 'species',
      model: { kind: 'template', name: 'mlp', hidden: [16] },
      epochs: EPOCHS,
      batchSize: 2,
      learningRate: 0.01,
      heldOut: { fraction: 0.2, seed: 11 },
      maxPricePerUnit: MILLI_TOKEN.toString()
    })
    let k = 0
    service.train.checkpoints.events.on('checkpoint', (event) => {
      if (k === 0 && event.jobId === jobId && event.worker === doomed.peerId && event.epoch >= 1) {
        k = event.epoch
        doomed.child.kill('SIGKILL')
        steady.worker!.resume()
      }
    })
    const history = async (): Promise<string> =>
      JSON.stringify((await service.history(jobId)).map((h) => h.message))
    assert.ok(await waitFor(() => k > 0, 90_000, 50), `no checkpoint was stored: ${await history()}`)
    let state = ''
    await waitFor(
      async () => {
        state = (await service.get(jobId))?.job.state.name ?? ''
        return ['completed', 'failed', 'cancelled'].includes(state)
      },
      150_000,
      250
    )
    assert.equal(state, 'completed', await history())

    // the doomed worker's task: paid for k epochs, the rest back to the job, collateral cut pro rata
    const added = await market.queryFilter(market.filters.TaskAdded(undefined, undefined, doomedWallet))
    assert.equal(added.length, 1, 'one task was awarded to the doomed worker')
    const doomedTask = (added[0] as unknown as { args: [bigint, bigint, string, bigint] }).args
    const [doomedTaskId, , , price] = doomedTask
    const perEpoch = price / BigInt(EPOCHS)
    assert.equal(perEpoch * BigInt(EPOCHS), price)
    assert.ok(
      await waitFor(
        async () => (await market.getTask(doomedTaskId)).state === TaskState.PartlyPaid,
        30_000,
        250
      ),
      `the doomed worker's task is settled in part: state ${(await market.getTask(doomedTaskId)).state}`
    )
    const owed = afterFee(BigInt(k) * perEpoch)
    assert.equal(
      (await market.accountOf(doomedWallet)).withdrawable - doomedBefore,
      owed,
      `the killed worker can withdraw ${k} epochs × ${perEpoch} minus the fee`
    )
    // the requester alone names the amount, so nothing is slashed: the collateral is unlocked
    assert.equal((await registry.workerInfo(doomedWallet)).stake_, stakeBefore, 'no stake slashed')
    assert.equal((await market.accountOf(doomedWallet)).locked, 0n, 'its collateral unlocked')
    const [cut] = await market.queryFilter(market.filters.TaskCut(doomedTaskId))
    assert.deepEqual(
      [...(cut as unknown as { args: unknown[] }).args],
      [doomedTaskId, price - BigInt(k) * perEpoch]
    )
    const train = (await service.trainView(jobId))!
    assert.equal(
      train.deliveredBy[doomed.peerId],
      k,
      "the requester's record: k epochs from the killed worker"
    )

    // the worker that resumed is awarded and paid only the epochs after the paid ones: across
    // both workers every epoch is paid exactly once
    const view = (await service.get(jobId))!
    const finisher = view.tasks.find((t) => t.state.name === 'accepted')!
    assert.equal(finisher.state.worker, steady.peerId.toString())
    const steadyAdded = await market.queryFilter(
      market.filters.TaskAdded(undefined, undefined, steady.settlement!.worker.address)
    )
    assert.equal(steadyAdded.length, 1, 'one task was awarded to the finisher')
    const steadyPrice = (steadyAdded[0] as unknown as { args: [bigint, bigint, string, bigint] }).args[3]
    assert.equal(
      steadyPrice,
      BigInt(finisher.pricePerUnit!) * BigInt(EPOCHS - k),
      `the finisher's task is priced for epochs ${k + 1} to ${EPOCHS} only`
    )
    assert.ok(
      await waitFor(
        async () =>
          (await steady.settlement!.worker.balances()).market.withdrawable - steadyBefore ===
          afterFee(steadyPrice),
        30_000,
        250
      ),
      `the finishing worker is paid ${afterFee(steadyPrice)}: got ${(await steady.settlement!.worker.balances()).market.withdrawable - steadyBefore}; its tasks on chain: ${JSON.stringify(
        await Promise.all(
          (
            await market.queryFilter(
              market.filters.TaskAdded(undefined, undefined, steady.settlement!.worker.address)
            )
          ).map(async (e) => {
            const [id, , , p] = (e as unknown as { args: [bigint, bigint, string, bigint] }).args
            return [id.toString(), p.toString(), (await market.getTask(id)).state.toString()]
          })
        )
      )}`
    )
    const resumed = train.resumes.find((r) => r.worker === steady.peerId.toString())
    assert.equal(resumed?.fromEpoch, k + 1, 'the finisher resumed after the paid epochs')
    console.log(`# killed after epoch ${k} of ${EPOCHS}; job done in ${Date.now() - started} ms`)
  })
})
