import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { TaskState } from '../../contracts/types/JobMarket.js'
import { AutoRelease } from './auto-release.js'
import { resultDigest } from './digest.js'
import { WorkerNotRegisteredError } from './errors.js'
import { RequesterSettlement } from './requester-settlement.js'
import {
  CHALLENGE_WINDOW,
  removeTestDirs,
  startTestChain,
  startTestNode,
  type TestChain,
  type TestNode,
  TOKEN
} from './test-support.js'
import { WorkerSettlement } from './worker-settlement.js'

const FEE_BPS = 100n
const COLLATERAL_BPS = 2_000n
const OUTPUTS = [
  { frame: 2, cid: 'bafkreib2' },
  { frame: 1, cid: 'bafkreia1' }
]

describe('settlement on a real chain', () => {
  let chain: TestChain
  let requesterNode: TestNode
  let workerNode: TestNode
  let requester: RequesterSettlement
  let worker: WorkerSettlement
  let cidCounter = 0
  const newCid = (): string => `bafyjob${++cidCounter}`

  before(async () => {
    chain = await startTestChain()
    requesterNode = await startTestNode(chain, await chain.fundedWallet(1_000n * TOKEN))
    workerNode = await startTestNode(chain, await chain.fundedWallet(100n * TOKEN))
    requester = new RequesterSettlement({ client: requesterNode.client })
    worker = new WorkerSettlement({ client: workerNode.client })
    await worker.ensureRegistered(workerNode.peerKey)
    await worker.ensureStake(50n * TOKEN)
  })

  after(async () => {
    await requesterNode?.close()
    await workerNode?.close()
    await chain?.stop()
    await removeTestDirs()
  })

  const deadlineMs = async (seconds: number): Promise<number> =>
    ((await requesterNode.client.chainTime()) + seconds) * 1000

  it('registers and stakes once, however often the worker starts', async () => {
    const nonce = await chain.provider.getTransactionCount(worker.address)
    await worker.ensureRegistered(workerNode.peerKey)
    await worker.ensureStake(50n * TOKEN)
    assert.equal(
      await chain.provider.getTransactionCount(worker.address),
      nonce,
      'no transaction was sent again'
    )
    const balances = await worker.balances()
    assert.equal(balances.stake, 50n * TOKEN)
    assert.equal(balances.wallet.tokens, 50n * TOKEN)
    assert.equal(await requester.workerAddressOf(workerNode.peerId), worker.address)
  })

  it('runs a task from escrow to payment: the worker earns price − fee, the requester gets budget − spent back', async () => {
    const cid = newCid()
    const before = await requester.balances()
    const deadline = await deadlineMs(3_600)
    const jobId = await requester.escrowJob(cid, 100n * TOKEN, deadline)
    assert.equal(await requester.escrowJob(cid, 100n * TOKEN, deadline), jobId)
    assert.equal(jobId, requester.chainJobIdOf(cid))
    assert.equal(
      (await requester.balances()).wallet.tokens,
      before.wallet.tokens - 100n * TOKEN,
      'escrowed once'
    )

    const dueAt = await deadlineMs(1_800)
    const taskId = await requester.addTask(jobId, 0, workerNode.peerId, 2n * TOKEN, 5, dueAt)
    assert.equal(await requester.addTask(jobId, 0, workerNode.peerId, 2n * TOKEN, 5, dueAt), taskId)
    const price = 10n * TOKEN

    await worker.acceptTask(taskId, { priceTotal: price, jobId })
    await worker.acceptTask(taskId, { priceTotal: price, jobId })
    assert.equal((await worker.balances()).market.locked, (price * COLLATERAL_BPS) / 10_000n)

    const digest = await worker.commitResult(taskId, OUTPUTS)
    assert.equal(digest, resultDigest([...OUTPUTS].reverse()), 'the digest does not depend on output order')
    assert.equal(await requester.committedDigestMatches(taskId, OUTPUTS), true)
    assert.equal(await requester.committedDigestMatches(taskId, [{ frame: 1, cid: 'bafkreiother' }]), false)

    const workerBefore = await worker.balances()
    assert.deepEqual(await requester.acceptResults([taskId]), { accepted: [taskId], skipped: [] })
    assert.deepEqual(await requester.acceptResults([taskId]), { accepted: [], skipped: [taskId] })
    const fee = (price * FEE_BPS) / 10_000n
    const workerAfter = await worker.balances()
    assert.equal(workerAfter.market.withdrawable - workerBefore.market.withdrawable, price - fee)
    assert.equal(workerAfter.market.locked, 0n)

    assert.equal(await requester.refundUnspent(jobId), 90n * TOKEN)
    assert.equal(await requester.refundUnspent(jobId), 0n)
    assert.equal((await requester.balances()).market.withdrawable, 90n * TOKEN)
    assert.equal(await requester.withdraw(), 90n * TOKEN)
    assert.equal((await requester.balances()).wallet.tokens, before.wallet.tokens - price)

    const earned = await worker.withdraw()
    assert.equal(earned, price - fee)
    assert.equal((await worker.balances()).wallet.tokens, workerAfter.wallet.tokens + price - fee)
  })

  it('refuses a worker whose peer id is not bound, and a task that is not the award', async () => {
    const cid = newCid()
    const jobId = await requester.escrowJob(cid, 10n * TOKEN, await deadlineMs(3_600))
    const stranger = await startTestNode(chain, await chain.fundedWallet(0n))
    try {
      await assert.rejects(
        requester.addTask(jobId, 0, stranger.peerId, TOKEN, 1, await deadlineMs(600)),
        (err: unknown) => err instanceof WorkerNotRegisteredError && err.message.includes(stranger.peerId)
      )
    } finally {
      await stranger.close()
    }
    const taskId = await requester.addTask(jobId, 1, workerNode.peerId, TOKEN, 1, await deadlineMs(600))
    await assert.rejects(worker.acceptTask(taskId, { priceTotal: 2n * TOKEN, jobId }), /award said/)
    assert.equal(await requester.cancelTask(taskId), true)
    assert.equal((await requesterNode.client.market.getTask(taskId)).state, TaskState.Cancelled)
  })

  it('pays committed tasks after the challenge window without the requester (auto-release by the worker)', async () => {
    // watching from before the commits, as a node does from its start
    const autoRelease = new AutoRelease({ client: workerNode.client }, { intervalMs: 60_000 })
    autoRelease.start()
    const cid = newCid()
    const jobId = await requester.escrowJob(cid, 50n * TOKEN, await deadlineMs(3_600))
    const tasks = [] as bigint[]
    for (const index of [0, 1, 2, 3]) {
      const taskId = await requester.addTask(
        jobId,
        index,
        workerNode.peerId,
        TOKEN,
        3,
        await deadlineMs(1_800)
      )
      await worker.acceptTask(taskId, { priceTotal: 3n * TOKEN, jobId })
      await worker.commitResult(taskId, [{ frame: index, cid: `bafyframe${index}` }])
      tasks.push(taskId)
    }
    // the requester disputes the last one: it is left to validators, not released
    const disputed = tasks.pop()!
    assert.equal(await requester.challengeResult(disputed), true)
    try {
      await workerNode.client.events.catchUp()
      const before = (await worker.balances()).market.withdrawable
      // the wall clock is far behind the window's end on this chain: nothing is due yet
      await chain.advance(CHALLENGE_WINDOW - 20)
      assert.deepEqual((await autoRelease.runDue()).released, [])
      await chain.advance(30)
      assert.deepEqual((await autoRelease.runDue()).released, tasks)
      assert.equal(
        (await worker.balances()).market.withdrawable - before,
        3n * ((3n * TOKEN * (10_000n - FEE_BPS)) / 10_000n)
      )
      assert.deepEqual((await autoRelease.runDue()).released, [], 'nothing is paid twice')
      assert.equal((await workerNode.client.market.getTask(disputed)).state, TaskState.Challenged)
    } finally {
      await autoRelease.stop()
    }
  })

  it('slashes a worker that misses its deadline and returns the price to the job', async () => {
    const cid = newCid()
    const jobId = await requester.escrowJob(cid, 20n * TOKEN, await deadlineMs(3_600))
    const taskId = await requester.addTask(jobId, 0, workerNode.peerId, 5n * TOKEN, 2, await deadlineMs(60))
    await worker.acceptTask(taskId, { priceTotal: 10n * TOKEN, jobId })
    const stakeBefore = (await worker.balances()).stake
    const requesterBefore = (await requester.balances()).market.withdrawable
    assert.deepEqual(await requester.expireOverdue([taskId]), [], 'not overdue yet')
    await chain.advance(61)
    assert.deepEqual(await requester.expireOverdue([taskId]), [taskId])
    assert.deepEqual(
      await requester.expireOverdue([taskId]),
      [taskId],
      'expiring again sends nothing and says so'
    )
    const collateral = (10n * TOKEN * COLLATERAL_BPS) / 10_000n
    assert.equal((await worker.balances()).stake, stakeBefore - collateral)
    assert.equal((await requester.balances()).market.withdrawable - requesterBefore, collateral)
    assert.equal(
      (await requesterNode.client.market.getJob(jobId)).available,
      20n * TOKEN,
      'the price went back to the job'
    )
  })

  it('expires the task of a vanished worker and refunds the unspent budget after the deadline, by itself', async () => {
    const autoRelease = new AutoRelease({ client: requesterNode.client }, { intervalMs: 60_000 })
    autoRelease.start()
    try {
      const jobId = await requester.escrowJob(newCid(), 30n * TOKEN, await deadlineMs(400))
      const taskId = await requester.addTask(
        jobId,
        0,
        workerNode.peerId,
        5n * TOKEN,
        2,
        await deadlineMs(100)
      )
      await worker.acceptTask(taskId, { priceTotal: 10n * TOKEN, jobId })
      await requesterNode.client.events.catchUp()
      const before = (await requester.balances()).market.withdrawable
      assert.deepEqual(await autoRelease.runDue(), { released: [], expired: [], refunded: [] })

      await chain.advance(101)
      assert.deepEqual((await autoRelease.runDue()).expired, [taskId])
      const collateral = (10n * TOKEN * COLLATERAL_BPS) / 10_000n
      assert.equal((await requester.balances()).market.withdrawable - before, collateral)

      await requesterNode.client.events.catchUp()
      assert.deepEqual((await autoRelease.runDue()).refunded, [], 'not before the job deadline')
      await chain.advance(300)
      assert.deepEqual(await autoRelease.runDue(), { released: [], expired: [], refunded: [jobId] })
      assert.equal((await requester.balances()).market.withdrawable - before, collateral + 30n * TOKEN)
      assert.deepEqual(await autoRelease.runDue(), { released: [], expired: [], refunded: [] })
    } finally {
      await autoRelease.stop()
    }
  })
})
