// RequesterChain's choice when a task fails, on a real chain with a real train store: a training
// worker is paid for the epochs this node stored from it, a rejected worker for nothing, and a
// render task takes the old path (cancel or leave to expire).
import assert from 'node:assert/strict'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { TaskState } from '../../contracts/types/JobMarket.js'
import { silentLogger } from '../../protocols/common/logger.js'
import type { AwardDraft, JobManagerEvent, JobSpec } from '../../scheduler/index.js'
import { RequesterSettlement } from '../chain/requester-settlement.js'
import {
  removeTestDirs,
  startTestChain,
  startTestNode,
  type TestChain,
  type TestNode,
  TOKEN
} from '../chain/test-support.js'
import { WorkerSettlement } from '../chain/worker-settlement.js'
import { RequesterChain } from './requester-chain.js'
import { deliveredEpochs } from './train-delivery.js'
import type { EpochRecord } from './train-store.js'
import { TrainJobStore } from './train-store.js'

const FEE_BPS = 100n
const COLLATERAL_BPS = 2_000n
const PER_EPOCH = TOKEN / 10n
const EPOCHS = 10

describe('RequesterChain pays the delivered epochs of a failed training task', () => {
  let chain: TestChain
  let requesterNode: TestNode
  let workerNode: TestNode
  let worker: WorkerSettlement
  let settlement: RequesterSettlement
  let store: TrainJobStore
  let storeDir: string
  let rc: RequesterChain
  let n = 0

  before(async () => {
    chain = await startTestChain()
    requesterNode = await startTestNode(chain, await chain.fundedWallet(1_000n * TOKEN))
    workerNode = await startTestNode(chain, await chain.fundedWallet(100n * TOKEN))
    worker = new WorkerSettlement({ client: workerNode.client })
    await worker.ensureRegistered(workerNode.peerKey)
    await worker.ensureStake(50n * TOKEN)
    settlement = new RequesterSettlement({ client: requesterNode.client })
    storeDir = await mkdtemp(join(tmpdir(), 'rynus-rc-'))
    store = new TrainJobStore(storeDir)
    rc = requesterChain(settlement)
  })

  // the requester's own record, as TrainRequester.deliveredEpochs reads it
  const requesterChain = (s: RequesterSettlement): RequesterChain =>
    new RequesterChain({
      settlement: s,
      logger: silentLogger,
      delivered: async (jobId, taskId, w, sinceMs) => {
        const record = await store.get(jobId)
        return record === undefined ? undefined : deliveredEpochs(record, { taskId, worker: w, sinceMs })
      }
    })

  after(async () => {
    await rc?.stop()
    await requesterNode?.close()
    await workerNode?.close()
    await chain?.stop()
    await removeTestDirs()
    await rm(storeDir, { recursive: true, force: true })
  })

  const market = () => requesterNode.client.market
  const account = (address: string) => market().accountOf(address)

  /** A job with one task of `units` awarded to the worker and accepted by it on chain. */
  const awarded = async (kind: 'train' | 'render', opts: { commit?: boolean; accept?: boolean } = {}) => {
    const jobId = `bafyjobpartial${++n}`
    const deadline = ((await requesterNode.client.chainTime()) + 7_200) * 1000
    const spec = { kind, budget: (10n * TOKEN).toString(), deadline } as JobSpec
    if (kind === 'train') await store.create(jobId, { sentCsv: 'x\n', heldOutCsv: 'x\n' }, emptyRecord())
    const award: AwardDraft = {
      jobId,
      taskId: 'task-0',
      frames: Array.from({ length: EPOCHS }, (_, i) => i + 1),
      pricePerUnit: PER_EPOCH,
      deadline
    }
    const chainTaskId = await rc.addTask(jobId, spec, workerNode.peerId, award)
    const chainJobId = await rc.chainJobFor(jobId, spec)
    if (opts.accept !== false)
      await worker.acceptTask(chainTaskId, { priceTotal: PER_EPOCH * BigInt(EPOCHS), jobId: chainJobId })
    if (opts.commit === true) await worker.commitResult(chainTaskId, [{ frame: 1, cid: 'bafkreimodel' }])
    return { jobId, chainTaskId, chainJobId }
  }

  const stored = (jobId: string, epochs: number[], status: EpochRecord['status'] = 'stored') =>
    store.update(jobId, (record) => {
      for (const epoch of epochs) {
        record.epochs.push({
          epoch,
          cid: `bafycheckpoint${epoch}`,
          bytes: 1,
          worker: workerNode.peerId,
          taskId: 'task-0',
          status,
          reportedAt: Date.now()
        })
      }
    })

  const fail = (jobId: string, chain = rc): void => {
    const event: JobManagerEvent = {
      jobId,
      at: Date.now(),
      type: 'task-failed',
      message: 'heartbeat timeout',
      taskId: 'task-0',
      worker: workerNode.peerId
    }
    chain.onJobEvent(event)
  }

  const stateBecomes = async (taskId: bigint, state: bigint): Promise<void> => {
    for (let i = 0; i < 200; i++) {
      if ((await market().getTask(taskId)).state === state) return
      await new Promise((resolve) => setTimeout(resolve, 50))
    }
    assert.fail(`task ${taskId} never reached state ${state}: ${(await market().getTask(taskId)).state}`)
  }

  it('pays 3 stored epochs of 10 (not the lost 4th nor the 5th after the gap), minus the fee', async () => {
    const { jobId, chainTaskId, chainJobId } = await awarded('train')
    await stored(jobId, [1, 2, 3])
    await stored(jobId, [4], 'lost')
    await stored(jobId, [5])
    const before = await account(worker.address)
    const jobBefore = await market().getJob(chainJobId)
    const stake = await chainStake()
    fail(jobId)
    fail(jobId) // a repeated event pays nothing more
    await stateBecomes(chainTaskId, TaskState.PartlyPaid)
    const payout = 3n * PER_EPOCH
    const fee = (payout * FEE_BPS) / 10_000n
    const collateral = (PER_EPOCH * BigInt(EPOCHS) * COLLATERAL_BPS) / 10_000n
    const after = await account(worker.address)
    assert.equal(after.withdrawable - before.withdrawable, payout - fee)
    assert.equal(after.locked, before.locked - collateral)
    assert.equal((await market().getJob(chainJobId)).available - jobBefore.available, 7n * PER_EPOCH)
    assert.equal(await chainStake(), stake, 'nothing slashed: the collateral is unlocked')
    // a retry of the same settlement finds it done and sends nothing
    const nonce = await chain.provider.getTransactionCount(requesterNode.client.address)
    assert.equal(await settlement.settlePartial(chainTaskId, payout), true)
    assert.equal(await chain.provider.getTransactionCount(requesterNode.client.address), nonce)
  })

  it('a requester restarted mid-task still pays the delivered epochs: the award is kept on disk', async () => {
    const { jobId, chainTaskId } = await awarded('train')
    await stored(jobId, [1, 2])
    const before = await account(worker.address)
    // a new RequesterChain over the same settlement store, as after a restart: nothing in memory
    const restarted = requesterChain(new RequesterSettlement({ client: requesterNode.client }))
    try {
      fail(jobId, restarted)
      await stateBecomes(chainTaskId, TaskState.PartlyPaid)
      const payout = 2n * PER_EPOCH
      assert.equal(
        (await account(worker.address)).withdrawable - before.withdrawable,
        payout - (payout * FEE_BPS) / 10_000n
      )
    } finally {
      await restarted.stop()
    }
  })

  it('pays nothing to a worker whose model was rejected: its committed result is challenged', async () => {
    const { jobId, chainTaskId } = await awarded('train', { commit: true })
    await stored(jobId, [1, 2, 3, 4])
    await store.update(jobId, (record) => {
      record.verifications.push({
        taskId: 'task-0',
        worker: workerNode.peerId,
        accepted: false,
        reason: 'below the baseline',
        heldOutAccuracy: 0.1,
        heldOutLoss: 3,
        baselineAccuracy: 0.5,
        baselineLoss: 1,
        at: Date.now()
      })
      for (const e of record.epochs) e.status = 'rejected'
    })
    const before = await account(worker.address)
    fail(jobId)
    await stateBecomes(chainTaskId, TaskState.Challenged)
    assert.equal((await account(worker.address)).withdrawable, before.withdrawable)
  })

  it('a training worker that delivered no stored checkpoint is left to expire, as before', async () => {
    const { jobId, chainTaskId } = await awarded('train')
    await stored(jobId, [1, 2], 'reported')
    const before = await account(worker.address)
    fail(jobId)
    await new Promise((resolve) => setTimeout(resolve, 500))
    assert.equal((await market().getTask(chainTaskId)).state, TaskState.Accepted)
    assert.equal((await account(worker.address)).withdrawable, before.withdrawable)
  })

  it('render tasks are unchanged: an unaccepted one is cancelled, an accepted one left to expire', async () => {
    const unaccepted = await awarded('render', { accept: false })
    fail(unaccepted.jobId)
    await stateBecomes(unaccepted.chainTaskId, TaskState.Cancelled)
    const accepted = await awarded('render')
    const before = await account(worker.address)
    fail(accepted.jobId)
    await new Promise((resolve) => setTimeout(resolve, 500))
    assert.equal((await market().getTask(accepted.chainTaskId)).state, TaskState.Accepted)
    assert.equal((await account(worker.address)).withdrawable, before.withdrawable)
  })

  const chainStake = async (): Promise<bigint> =>
    (await requesterNode.client.registry.workerInfo(worker.address))[2]
})

function emptyRecord() {
  return {
    version: 1 as const,
    heldOut: { fraction: 0.2, seed: 1, rows: 1 },
    epochs: [],
    resumes: [],
    verifications: []
  }
}
