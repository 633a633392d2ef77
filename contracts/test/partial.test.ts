// settlePartial: a worker that stopped part-way is paid for what it delivered; the rest of the
// price goes back to the job and its collateral is unlocked (the requester names the amount, so
// nothing is slashed: a slash would let a requester take an honest worker's collateral).
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import type { Wallet } from 'ethers'
import { jobIdOf, taskIdOf } from '../ids.js'
import { TaskState } from '../types/JobMarket.js'
import { advance, type Chain, eventsOf, expectRevert, mined, ONE, startChain } from './fixture.js'
import { buildWorld, PRICE, STAKE, type World } from './world.js'

const FEE_BPS = 100n // 1%, as deployForTest
const COLLATERAL = (PRICE * 2_000n) / 10_000n // 20%

describe('JobMarket.settlePartial on anvil', () => {
  let chain: Chain
  let w: World
  before(async () => {
    chain = await startChain()
    w = await buildWorld(chain)
  })
  after(() => chain.stop())

  const account = (who: Wallet) => w.market.accountOf(who.address)
  const stake = async (who: Wallet): Promise<bigint> => (await w.d.registry.workerInfo(who.address))[2]
  const marketHolds = (): Promise<bigint> => w.d.token.balanceOf(w.d.addresses.market)

  /** Settles `payout` of an accepted task and checks every balance it touches. */
  const settle = async (worker: Wallet, payout: bigint, collateral: bigint): Promise<bigint> => {
    const taskId = await w.taskAt('accepted', worker)
    const jobId = taskId >> 32n
    const before = {
      worker: await account(worker),
      requester: await account(w.requester),
      job: await w.market.getJob(jobId),
      stake: await stake(worker),
      fees: await w.market.feesOwed(),
      market: await marketHolds()
    }
    assert.equal((await w.market.getTask(taskId)).collateralized, collateral > 0n)
    const receipt = await mined(w.market.connect(w.requester).settlePartial(taskId, payout))
    const fee = (payout * FEE_BPS) / 10_000n
    assert.deepEqual(eventsOf(receipt, w.market), [
      { name: 'TaskReleased', args: [taskId, worker.address, payout - fee, fee] },
      { name: 'TaskCut', args: [taskId, PRICE - payout] }
    ])

    const after = { worker: await account(worker), requester: await account(w.requester) }
    assert.equal((await w.market.getTask(taskId)).state, TaskState.PartlyPaid)
    assert.equal(after.worker.withdrawable, before.worker.withdrawable + payout - fee, 'worker paid')
    assert.equal(after.worker.locked, before.worker.locked - collateral, 'all its collateral unlocked')
    assert.equal(after.worker.openTasks, before.worker.openTasks - 1n)
    assert.equal(await stake(worker), before.stake, 'no stake slashed')
    assert.equal(after.requester.withdrawable, before.requester.withdrawable, 'nothing to the requester')
    assert.equal(
      (await w.market.getJob(jobId)).available,
      before.job.available + PRICE - payout,
      'rest to the job'
    )
    assert.equal(await w.market.feesOwed(), before.fees + fee)
    // no token moved in or out of the market
    assert.equal(await marketHolds(), before.market)
    return taskId
  }

  it('pays the delivered part minus the fee, returns the rest and unlocks the collateral', async () => {
    await settle(w.worker, 3n * ONE, COLLATERAL) // 3 of 10 epochs
  })

  it('a full payout returns nothing to the job; a zero payout is refused (that task is left to expire)', async () => {
    await settle(w.worker, PRICE, COLLATERAL)
    const accepted = await w.taskAt('accepted', w.worker2)
    await expectRevert(w.market.connect(w.requester).settlePartial(accepted, 0n), 'ZeroAmount', [])
    await mined(w.market.connect(w.requester).settlePartial(accepted, ONE))
  })

  it('a trusted partner (no collateral) is paid its part', async () => {
    await settle(w.partner, 7n * ONE, 0n)
  })

  it('reverts for anyone but the requester, out of state, and above the price', async () => {
    const accepted = await w.taskAt('accepted')
    for (const who of [w.stranger, w.worker, w.requester2]) {
      await expectRevert(w.market.connect(who).settlePartial(accepted, ONE), 'NotRequester', [who.address])
    }
    const m = w.market.connect(w.requester)
    await expectRevert(m.settlePartial(accepted, PRICE + 1n), 'PayoutAbovePrice', [PRICE, PRICE + 1n])
    const unknown = taskIdOf(jobIdOf(w.requester.address, 777n), 3)
    await expectRevert(m.settlePartial(unknown, 1n), 'WrongState', [unknown, TaskState.None])
    for (const stage of ['assigned', 'committed', 'challenged'] as const) {
      const taskId = await w.taskAt(stage)
      const state = (await w.market.getTask(taskId)).state
      await expectRevert(m.settlePartial(taskId, ONE), 'WrongState', [taskId, state])
    }
    // settled once: a resent call finds it final and cannot pay again
    await mined(m.settlePartial(accepted, ONE))
    await expectRevert(m.settlePartial(accepted, ONE), 'WrongState', [accepted, TaskState.PartlyPaid])
    await expectRevert(m.cancelTask(accepted), 'WrongState', [accepted, TaskState.PartlyPaid])
    await expectRevert(w.market.connect(w.stranger).expireTask(accepted), 'WrongState', [
      accepted,
      TaskState.PartlyPaid
    ])
    // an expired task is final too
    const late = await w.newTask(await w.newJob(), w.worker2, PRICE, 5)
    await mined(w.market.connect(w.worker2).acceptTask(late))
    await advance(chain, 10)
    await mined(w.market.connect(w.stranger).expireTask(late))
    await expectRevert(m.settlePartial(late, ONE), 'WrongState', [late, TaskState.Expired])
  })

  it('everyone withdraws what it is owed and a worker can unbond its remaining stake', async () => {
    for (const who of [w.worker, w.worker2, w.partner, w.requester]) {
      const owed = (await account(who)).withdrawable
      if (owed === 0n) continue
      const held = await w.d.token.balanceOf(who.address)
      await mined(w.market.connect(who).withdraw(owed))
      assert.equal(await w.d.token.balanceOf(who.address), held + owed)
    }
    // no task of worker2 is open: its whole remaining stake is free
    assert.equal((await account(w.worker2)).locked, 0n)
    const left = await stake(w.worker2)
    assert.ok(left < STAKE)
    await mined(w.d.registry.connect(w.worker2).requestUnbond(left))
  })
})
