import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { TaskState } from '../types/JobMarket.js'
import { advance, type Chain, eventsOf, expectRevert, mined, now, startChain } from './fixture.js'
import { buildWorld, digestOf, PRICE, type World } from './world.js'

const FEE = (PRICE * 100n) / 10_000n // 1%
const COLLATERAL = (PRICE * 2_000n) / 10_000n // 20%

describe('JobMarket disputes and missed deadlines on anvil', () => {
  let chain: Chain
  let w: World
  before(async () => {
    chain = await startChain()
    w = await buildWorld(chain)
  })
  after(() => chain.stop())

  const withdrawable = async (who: { address: string }): Promise<bigint> =>
    (await w.market.accountOf(who.address)).withdrawable

  it('a challenge rejected by a validator quorum refunds the job and slashes collateral to the requester', async () => {
    const { market, registry } = w.d
    const taskId = await w.taskAt('committed', w.worker)
    const jobId = taskId >> 32n
    const receipt = await mined(market.connect(w.requester).challenge(taskId))
    assert.deepEqual(eventsOf(receipt, market), [
      { name: 'TaskChallenged', args: [taskId, BigInt((await now(chain)) + 200)] }
    ])
    const [stake, owed, available] = [
      (await registry.workerInfo(w.worker.address))[2],
      await withdrawable(w.requester),
      (await market.getJob(jobId)).available
    ]
    await mined(market.connect(w.v1).vote(taskId, false))
    assert.equal(await market.hasVoted(taskId, w.v1.address), true)
    assert.equal((await market.getTask(taskId)).state, TaskState.Challenged)
    const r2 = await mined(market.connect(w.v2).vote(taskId, false))
    assert.deepEqual(
      eventsOf(r2, market).map((e) => e.name),
      ['VoteCast', 'TaskRejected']
    )
    assert.deepEqual(eventsOf(r2, market)[1]!.args, [taskId, COLLATERAL])
    assert.equal((await market.getTask(taskId)).state, TaskState.Rejected)
    assert.equal((await market.getJob(jobId)).available, available + PRICE)
    assert.equal(await withdrawable(w.requester), owed + COLLATERAL)
    assert.equal((await registry.workerInfo(w.worker.address))[2], stake - COLLATERAL)
  })

  it('a challenge upheld by a validator quorum pays the worker', async () => {
    const { market } = w.d
    const taskId = await w.taskAt('challenged', w.partner)
    const before = await withdrawable(w.partner)
    await mined(market.connect(w.v1).vote(taskId, true))
    await mined(market.connect(w.v3).vote(taskId, true))
    assert.equal((await market.getTask(taskId)).state, TaskState.Released)
    assert.equal(await withdrawable(w.partner), before + PRICE - FEE)
  })

  it('without a quorum a dispute resolves after its window: more wrong than right rejects, else the worker is paid', async () => {
    const { market } = w.d
    const rejected = await w.taskAt('challenged', w.worker2)
    const silent = await w.taskAt('challenged', w.worker2)
    const tied = await w.taskAt('challenged', w.worker2)
    await mined(market.connect(w.v1).vote(rejected, false))
    await mined(market.connect(w.v1).vote(tied, false))
    await mined(market.connect(w.v2).vote(tied, true))
    await expectRevert(market.connect(w.stranger).resolveDispute(silent), 'TooEarly')
    await advance(chain, 200)
    for (const id of [rejected, silent, tied]) await mined(market.connect(w.stranger).resolveDispute(id))
    assert.equal((await market.getTask(rejected)).state, TaskState.Rejected)
    assert.equal((await market.getTask(silent)).state, TaskState.Released)
    assert.equal((await market.getTask(tied)).state, TaskState.Released)
  })

  it('a worker killed mid-task is slashed, and the worker that finishes its frames is paid', async () => {
    const { market, registry } = w.d
    const jobId = await w.newJob(w.requester2, 2n * PRICE)
    const first = await w.newTask(jobId, w.worker, PRICE, 300)
    const unaccepted = await w.newTask(jobId, w.worker2, PRICE, 300)
    await mined(market.connect(w.worker).acceptTask(first))
    await expectRevert(market.connect(w.stranger).expireTask(first), 'TooEarly')
    await advance(chain, 300)
    const [stake, owed] = [(await registry.workerInfo(w.worker.address))[2], await withdrawable(w.requester2)]
    const r = await mined(market.connect(w.stranger).expireTask(first))
    assert.deepEqual(eventsOf(r, market), [{ name: 'TaskExpired', args: [first, COLLATERAL] }])
    const r2 = await mined(market.connect(w.stranger).expireTask(unaccepted))
    assert.deepEqual(eventsOf(r2, market), [{ name: 'TaskExpired', args: [unaccepted, 0n] }])
    assert.equal((await registry.workerInfo(w.worker.address))[2], stake - COLLATERAL)
    assert.equal(await withdrawable(w.requester2), owed + COLLATERAL)
    assert.equal((await market.getJob(jobId)).available, 2n * PRICE)

    const retry = await w.newTask(jobId, w.worker2, PRICE, 300)
    await mined(market.connect(w.worker2).acceptTask(retry))
    await mined(market.connect(w.worker2).commitResult(retry, digestOf(retry)))
    const before = await withdrawable(w.worker2)
    await mined(market.connect(w.requester2).acceptResult(retry))
    assert.equal(await withdrawable(w.worker2), before + PRICE - FEE)
    await mined(market.connect(w.requester2).refundUnspent(jobId))
    assert.equal(await withdrawable(w.requester2), owed + COLLATERAL + PRICE)
  })
})
