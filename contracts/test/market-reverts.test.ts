import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { ZeroAddress } from 'ethers'
import { jobIdOf, taskIdOf } from '../ids.js'
import { deployJobMarket, TaskState } from '../types/JobMarket.js'
import { deployRynusToken } from '../types/RynusToken.js'
import { advance, type Chain, expectRevert, mined, now, ONE, startChain } from './fixture.js'
import { buildWorld, PRICE, type World } from './world.js'

const DIGEST = `0x${'cd'.repeat(32)}`

describe('JobMarket refuses every action out of turn, by the wrong party, or out of time', () => {
  let chain: Chain
  let w: World
  before(async () => {
    chain = await startChain()
    w = await buildWorld(chain)
  })
  after(() => chain.stop())

  it('createJob: zero budget, past deadline, missing allowance, an id already used', async () => {
    const m = w.market.connect(w.requester)
    const t = await now(chain)
    await expectRevert(m.createJob(900, 0, t + 100), 'ZeroAmount')
    await expectRevert(m.createJob(900, ONE, t + 1), 'BadDeadline', [BigInt(t + 1)])
    await expectRevert(m.createJob(900, ONE, t + 100), 'ERC20InsufficientAllowance')
    await expectRevert(
      m.createJobWithPermit(900, ONE, t + 100, t + 100, 27, DIGEST, DIGEST),
      'ERC20InsufficientAllowance'
    )
    // a resent createJob (same nonce) cannot escrow twice
    const jobId = await w.newJob(w.requester, ONE)
    await mined(w.d.token.connect(w.requester).approve(w.d.addresses.market, ONE))
    await expectRevert(m.createJob(jobId & (2n ** 64n - 1n), ONE, t + 100), 'JobExists', [jobId])
  })

  it('addTask: wrong requester, unknown job, bad worker, price or due time, over budget', async () => {
    const jobId = await w.newJob(w.requester, 15n * ONE, 1_000)
    const m = w.market.connect(w.requester)
    const t = await now(chain)
    await expectRevert(
      w.market.connect(w.stranger).addTask(jobId, 0, w.worker.address, PRICE, t + 100),
      'NotRequester',
      [w.stranger.address]
    )
    const unknown = jobIdOf(w.requester.address, 999n)
    await expectRevert(m.addTask(unknown, 0, w.worker.address, PRICE, t + 100), 'UnknownJob', [unknown])
    await expectRevert(m.addTask(jobId, 0, ZeroAddress, PRICE, t + 100), 'ZeroAddress')
    await expectRevert(m.addTask(jobId, 0, w.worker.address, 0, t + 100), 'ZeroAmount')
    await expectRevert(m.addTask(jobId, 0, w.worker.address, 16n * ONE, t + 100), 'InsufficientBudget', [
      15n * ONE,
      16n * ONE
    ])
    await expectRevert(m.addTask(jobId, 0, w.worker.address, PRICE, t + 1), 'BadDeadline', [BigInt(t + 1)])
    const { deadline } = await w.market.getJob(jobId)
    await expectRevert(m.addTask(jobId, 0, w.worker.address, PRICE, deadline + 1n), 'BadDeadline', [
      deadline + 1n
    ])
    await mined(m.addTask(jobId, 0, w.worker.address, PRICE, deadline))
    // a resent addTask (same index) cannot reserve the price twice
    await expectRevert(m.addTask(jobId, 0, w.worker.address, ONE, deadline), 'TaskExists', [
      taskIdOf(jobId, 0)
    ])
    assert.equal((await w.market.getJob(jobId)).available, 15n * ONE - PRICE)
  })

  it('cancelTask: wrong requester, task already accepted', async () => {
    const taskId = await w.taskAt('accepted')
    await expectRevert(w.market.connect(w.stranger).cancelTask(taskId), 'NotRequester', [w.stranger.address])
    await expectRevert(w.market.connect(w.requester).cancelTask(taskId), 'WrongState', [
      taskId,
      TaskState.Accepted
    ])
  })

  it('acceptTask: unknown or taken task, wrong worker, late, unregistered, not enough free stake', async () => {
    const m = w.market
    const unknown = taskIdOf(jobIdOf(w.requester.address, 1n), 77)
    await expectRevert(m.connect(w.worker).acceptTask(unknown), 'WrongState', [unknown, TaskState.None])
    const taken = await w.taskAt('accepted')
    await expectRevert(m.connect(w.worker).acceptTask(taken), 'WrongState', [taken, TaskState.Accepted])
    const late = await w.newTask(await w.newJob(), w.worker, PRICE, 10)
    await expectRevert(m.connect(w.worker2).acceptTask(late), 'NotWorker', [w.worker2.address])
    await advance(chain, 10)
    await expectRevert(m.connect(w.worker).acceptTask(late), 'TooLate')
    const unregistered = await w.taskAt('assigned', w.stranger)
    await expectRevert(m.connect(w.stranger).acceptTask(unregistered), 'NotRegistered', [w.stranger.address])
    // collateral is 20% of the price: a price of 6x the free stake needs more than it has
    const [, , stake] = await w.d.registry.workerInfo(w.worker2.address)
    const free = stake - (await m.lockedCollateral(w.worker2.address))
    const greedy = await w.newTask(await w.newJob(w.requester, 6n * free), w.worker2, 6n * free)
    await expectRevert(m.connect(w.worker2).acceptTask(greedy), 'InsufficientStake', [free, (6n * free) / 5n])
  })

  it('commitResult: not accepted, wrong worker, late, empty digest', async () => {
    const m = w.market
    const assigned = await w.taskAt('assigned')
    await expectRevert(m.connect(w.worker).commitResult(assigned, DIGEST), 'WrongState', [
      assigned,
      TaskState.Assigned
    ])
    const accepted = await w.newTask(await w.newJob(), w.worker, PRICE, 20)
    await mined(m.connect(w.worker).acceptTask(accepted))
    await expectRevert(m.connect(w.worker2).commitResult(accepted, DIGEST), 'NotWorker', [w.worker2.address])
    await expectRevert(m.connect(w.worker).commitResult(accepted, `0x${'00'.repeat(32)}`), 'EmptyDigest')
    await advance(chain, 20)
    await expectRevert(m.connect(w.worker).commitResult(accepted, DIGEST), 'TooLate')
  })

  it('acceptResult and challenge: wrong requester, not committed, challenge after the window', async () => {
    const m = w.market
    const committed = await w.taskAt('committed')
    await expectRevert(m.connect(w.stranger).acceptResult(committed), 'NotRequester', [w.stranger.address])
    await expectRevert(m.connect(w.worker).challenge(committed), 'NotRequester', [w.worker.address])
    const accepted = await w.taskAt('accepted')
    await expectRevert(m.connect(w.requester).acceptResult(accepted), 'WrongState', [
      accepted,
      TaskState.Accepted
    ])
    await expectRevert(m.connect(w.requester).challenge(accepted), 'WrongState', [
      accepted,
      TaskState.Accepted
    ])
    await advance(chain, 100)
    await expectRevert(m.connect(w.requester).challenge(committed), 'TooLate')
    await mined(m.connect(w.requester).acceptResult(committed)) // accepting late is fine
  })

  it('release, expireTask and resolveDispute: wrong state or too early', async () => {
    const m = w.market.connect(w.stranger)
    const accepted = await w.taskAt('accepted')
    await expectRevert(m.release(accepted), 'WrongState', [accepted, TaskState.Accepted])
    await expectRevert(m.resolveDispute(accepted), 'WrongState', [accepted, TaskState.Accepted])
    await expectRevert(m.expireTask(accepted), 'TooEarly')
    const committed = await w.taskAt('committed')
    await expectRevert(m.release(committed), 'TooEarly')
    await expectRevert(m.expireTask(committed), 'WrongState', [committed, TaskState.Committed])
    const challenged = await w.taskAt('challenged')
    await expectRevert(m.resolveDispute(challenged), 'TooEarly')
    await expectRevert(m.release(challenged), 'WrongState', [challenged, TaskState.Challenged])
  })

  it('vote: only trusted partners other than the worker and requester, once, within the window', async () => {
    const m = w.market
    const committed = await w.taskAt('committed')
    await expectRevert(m.connect(w.v1).vote(committed, true), 'WrongState', [committed, TaskState.Committed])
    const challenged = await w.taskAt('challenged', w.partner)
    await expectRevert(m.connect(w.worker2).vote(challenged, true), 'NotValidator', [w.worker2.address])
    await expectRevert(m.connect(w.stranger).vote(challenged, true), 'NotValidator', [w.stranger.address])
    await expectRevert(m.connect(w.partner).vote(challenged, true), 'NotValidator', [w.partner.address])
    await mined(w.d.registry.connect(w.requester).register(`0x${'77'.repeat(38)}`, '0x'))
    await mined(w.d.registry.setTier(w.requester.address, 1))
    await expectRevert(m.connect(w.requester).vote(challenged, false), 'NotValidator', [w.requester.address])
    await mined(m.connect(w.v1).vote(challenged, true))
    await expectRevert(m.connect(w.v1).vote(challenged, false), 'AlreadyVoted', [w.v1.address])
    await advance(chain, 200)
    await expectRevert(m.connect(w.v2).vote(challenged, true), 'TooLate')
  })

  it('refundUnspent: unknown job, a stranger before the deadline, nothing left', async () => {
    const m = w.market
    const unknown = jobIdOf(w.requester.address, 4242n)
    await expectRevert(m.connect(w.requester).refundUnspent(unknown), 'UnknownJob', [unknown])
    const jobId = await w.newJob(w.requester, PRICE)
    await expectRevert(m.connect(w.stranger).refundUnspent(jobId), 'NotRequester', [w.stranger.address])
    await w.newTask(jobId, w.worker)
    await expectRevert(m.connect(w.requester).refundUnspent(jobId), 'ZeroAmount')
  })

  it('withdraw, withdrawTo, withdrawFees: nothing owed, more than owed, no recipient, not the treasury', async () => {
    const m = w.market
    await expectRevert(m.connect(w.stranger).withdraw(0), 'ZeroAmount')
    await expectRevert(m.connect(w.stranger).withdraw(1), 'InsufficientBalance', [0n, 1n])
    await expectRevert(m.connect(w.stranger).withdrawTo(ZeroAddress, 1), 'ZeroAddress')
    await expectRevert(m.connect(w.stranger).withdrawFees(), 'NotTreasury', [w.stranger.address])
    await expectRevert(m.connect(w.gov).withdrawFees(), 'NotTreasury', [w.gov.address])
    if ((await m.feesOwed()) > 0n) await mined(m.connect(w.treasury).withdrawFees())
    await expectRevert(m.connect(w.treasury).withdrawFees(), 'ZeroAmount')
  })

  it('governance: only the owner moves the treasury, never to zero', async () => {
    await expectRevert(
      w.market.connect(w.stranger).setTreasury(w.stranger.address),
      'OwnableUnauthorizedAccount',
      [w.stranger.address]
    )
    await expectRevert(w.market.setTreasury(ZeroAddress), 'ZeroAddress')
  })

  it('constructor: refuses a bad fee, collateral, quorum or window, and a registry on another token', async () => {
    const { token, registry } = w.d.addresses
    const good = { feeBps: 100, collateralBps: 2_000, challengeWindow: 100, disputeWindow: 100, quorum: 1 }
    const deploy = (config: typeof good, tokenAddress = token) =>
      deployJobMarket(w.gov, tokenAddress, registry, w.treasury.address, config, w.gov.address)
    for (const bad of [
      { feeBps: 1_001 },
      { collateralBps: 10_001 },
      { quorum: 0 },
      { challengeWindow: 0 },
      { disputeWindow: 0 }
    ]) {
      await expectRevert(deploy({ ...good, ...bad }), 'BadConfig')
    }
    const other = await deployRynusToken(w.gov, w.gov.address)
    await expectRevert(deploy(good, await other.getAddress()), 'BadConfig')
    await expectRevert(
      deployJobMarket(w.gov, token, registry, ZeroAddress, good, w.gov.address),
      'ZeroAddress'
    )
    const market = await deploy(good)
    assert.equal(await market.quorum(), 1n)
    assert.equal(await market.owner(), w.gov.address)
  })

  it('expired, cancelled and rejected tasks can never be paid afterwards', async () => {
    const m = w.market
    const expired = await w.newTask(await w.newJob(), w.worker, PRICE, 5)
    await advance(chain, 5)
    await mined(m.connect(w.stranger).expireTask(expired))
    await expectRevert(m.connect(w.worker).acceptTask(expired), 'WrongState', [expired, TaskState.Expired])
    await expectRevert(m.connect(w.stranger).expireTask(expired), 'WrongState', [expired, TaskState.Expired])
    const cancelled = await w.taskAt('assigned')
    await mined(m.connect(w.requester).cancelTask(cancelled))
    await expectRevert(m.connect(w.worker).acceptTask(cancelled), 'WrongState', [
      cancelled,
      TaskState.Cancelled
    ])
    const rejected = await w.taskAt('challenged', w.worker2)
    await mined(m.connect(w.v1).vote(rejected, false))
    await mined(m.connect(w.v2).vote(rejected, false))
    await expectRevert(m.connect(w.requester).acceptResult(rejected), 'WrongState', [
      rejected,
      TaskState.Rejected
    ])
    await expectRevert(m.connect(w.stranger).resolveDispute(rejected), 'WrongState', [
      rejected,
      TaskState.Rejected
    ])
    assert.equal(await m.connect(w.requester).settleBatch.staticCall([expired, cancelled, rejected]), 0n)
  })
})
