import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { type EventLog, Signature } from 'ethers'
import { jobIdOf, requesterOfJob, requesterOfTask, taskIdOf } from '../ids.js'
import { TaskState } from '../types/JobMarket.js'
import { advance, type Chain, eventsOf, expectRevert, mined, now, ONE, startChain } from './fixture.js'
import { buildWorld, digestOf, PRICE, type World } from './world.js'

const FEE = (PRICE * 100n) / 10_000n // 1%
const COLLATERAL = (PRICE * 2_000n) / 10_000n // 20%

describe('JobMarket transitions on anvil', () => {
  let chain: Chain
  let w: World
  before(async () => {
    chain = await startChain()
    w = await buildWorld(chain)
  })
  after(() => chain.stop())

  const balance = (who: { address: string }): Promise<bigint> => w.d.token.balanceOf(who.address)
  const withdrawable = async (who: { address: string }): Promise<bigint> =>
    (await w.market.accountOf(who.address)).withdrawable

  it('createJob escrows the budget under an id that names the requester', async () => {
    const { market, token, addresses } = w.d
    const before = [await balance(w.requester), await token.balanceOf(addresses.market)]
    await mined(token.connect(w.requester).approve(addresses.market, 50n * ONE))
    const deadline = (await now(chain)) + 5_000
    const receipt = await mined(market.connect(w.requester).createJob(4_000, 50n * ONE, deadline))
    const jobId = jobIdOf(w.requester.address, 4_000n)
    assert.deepEqual(eventsOf(receipt, market), [
      { name: 'JobCreated', args: [jobId, w.requester.address, 50n * ONE, BigInt(deadline)] }
    ])
    assert.equal(requesterOfJob(jobId), w.requester.address)
    assert.equal(await market.requesterOf(jobId), w.requester.address)
    const job = await market.getJob(jobId)
    assert.equal(job.available, 50n * ONE)
    assert.equal(job.deadline, BigInt(deadline))
    assert.equal(await balance(w.requester), before[0]! - 50n * ONE)
    assert.equal(await token.balanceOf(addresses.market), before[1]! + 50n * ONE)
  })

  it('createJobWithPermit escrows without a prior approval transaction', async () => {
    const { market, token, addresses } = w.d
    const deadline = (await now(chain)) + 5_000
    const sig = Signature.from(
      await w.requester2.signTypedData(
        { name: 'Rynus', version: '1', chainId: addresses.chainId, verifyingContract: addresses.token },
        {
          Permit: [
            { name: 'owner', type: 'address' },
            { name: 'spender', type: 'address' },
            { name: 'value', type: 'uint256' },
            { name: 'nonce', type: 'uint256' },
            { name: 'deadline', type: 'uint256' }
          ]
        },
        {
          owner: w.requester2.address,
          spender: addresses.market,
          value: 7n * ONE,
          nonce: await token.nonces(w.requester2.address),
          deadline
        }
      )
    )
    await mined(
      market
        .connect(w.requester2)
        .createJobWithPermit(4_001, 7n * ONE, deadline, deadline, sig.v, sig.r, sig.s)
    )
    const jobId = jobIdOf(w.requester2.address, 4_001n)
    assert.equal((await market.getJob(jobId)).available, 7n * ONE)
  })

  it('addTask reserves the price from the budget; cancelTask gives it back', async () => {
    const { market } = w.d
    const jobId = await w.newJob(w.requester, 30n * ONE)
    const dueAt = (await now(chain)) + 500
    const receipt = await mined(market.connect(w.requester).addTask(jobId, 7, w.worker.address, PRICE, dueAt))
    const taskId = taskIdOf(jobId, 7)
    assert.equal(requesterOfTask(taskId), w.requester.address)
    assert.deepEqual(eventsOf(receipt, market), [
      { name: 'TaskAdded', args: [taskId, jobId, w.worker.address, PRICE, BigInt(dueAt)] }
    ])
    const task = await market.getTask(taskId)
    assert.equal(task.state, TaskState.Assigned)
    assert.equal(task.worker, w.worker.address)
    assert.equal(task.price, PRICE)
    assert.equal((await market.getJob(jobId)).available, 20n * ONE)

    const cancelled = await mined(market.connect(w.requester).cancelTask(taskId))
    assert.deepEqual(eventsOf(cancelled, market), [{ name: 'TaskCancelled', args: [taskId] }])
    assert.equal((await market.getTask(taskId)).state, TaskState.Cancelled)
    assert.equal((await market.getJob(jobId)).available, 30n * ONE)
  })

  it('a global worker locks collateral from its stake on accept; a trusted partner locks none', async () => {
    const { market } = w.d
    const lockedBefore = await market.lockedCollateral(w.worker.address)
    const taskId = await w.taskAt('assigned', w.worker)
    const receipt = await mined(market.connect(w.worker).acceptTask(taskId))
    assert.deepEqual(eventsOf(receipt, market), [
      { name: 'TaskAccepted', args: [taskId, w.worker.address, COLLATERAL] }
    ])
    const task = await market.getTask(taskId)
    assert.equal(task.state, TaskState.Accepted)
    assert.equal(task.collateralized, true)
    const account = await market.accountOf(w.worker.address)
    assert.equal(account.locked, lockedBefore + COLLATERAL)

    const partnerTask = await w.taskAt('assigned', w.partner)
    const r2 = await mined(market.connect(w.partner).acceptTask(partnerTask))
    assert.deepEqual(eventsOf(r2, market), [
      { name: 'TaskAccepted', args: [partnerTask, w.partner.address, 0n] }
    ])
    assert.equal((await market.getTask(partnerTask)).collateralized, false)
    assert.equal(await market.lockedCollateral(w.partner.address), 0n)
    assert.equal((await market.accountOf(w.partner.address)).openTasks, 1n)
  })

  it('commitResult records the digest and opens the challenge window', async () => {
    const { market } = w.d
    const taskId = await w.taskAt('accepted')
    const digest = digestOf(taskId)
    const receipt = await mined(market.connect(w.worker).commitResult(taskId, digest))
    const at = await now(chain)
    assert.deepEqual(eventsOf(receipt, market), [
      { name: 'ResultCommitted', args: [taskId, digest, BigInt(at + 100)] }
    ])
    const task = await market.getTask(taskId)
    assert.equal(task.state, TaskState.Committed)
    assert.equal(task.digest, digest.slice(0, 42))
    assert.equal(task.dueAt, BigInt(at + 100))
  })

  it('the requester accepting pays price minus fee, unlocks collateral and owes the treasury the fee', async () => {
    const { market } = w.d
    const taskId = await w.taskAt('committed', w.worker2)
    const [paid, fees, locked] = [
      await withdrawable(w.worker2),
      await market.feesOwed(),
      await market.lockedCollateral(w.worker2.address)
    ]
    const receipt = await mined(market.connect(w.requester).acceptResult(taskId))
    assert.deepEqual(eventsOf(receipt, market), [
      { name: 'TaskReleased', args: [taskId, w.worker2.address, PRICE - FEE, FEE] }
    ])
    assert.equal((await market.getTask(taskId)).state, TaskState.Released)
    assert.equal(await withdrawable(w.worker2), paid + PRICE - FEE)
    assert.equal(await market.feesOwed(), fees + FEE)
    assert.equal(await market.lockedCollateral(w.worker2.address), locked - COLLATERAL)
  })

  it('anyone releases a result once the window has passed, not a second earlier', async () => {
    const { market } = w.d
    const taskId = await w.taskAt('committed', w.worker2)
    const end = Number((await market.getTask(taskId)).dueAt)
    // calls are estimated, and transactions mined, in the next block: latest + 1 second
    await advance(chain, end - (await now(chain)) - 2)
    await expectRevert(market.connect(w.stranger).release(taskId), 'TooEarly', [BigInt(end)])
    await advance(chain, 1)
    const before = await withdrawable(w.worker2)
    await mined(market.connect(w.stranger).release(taskId))
    assert.equal(await now(chain), end)
    assert.equal(await withdrawable(w.worker2), before + PRICE - FEE)
    await expectRevert(market.connect(w.stranger).release(taskId), 'WrongState', [taskId, TaskState.Released])
  })

  it('settleBatch pays what the caller may pay, skips the rest, and never pays twice', async () => {
    const { market } = w.d
    const jobId = await w.newJob()
    const ids: bigint[] = []
    for (let i = 0; i < 4; i++) ids.push(await w.newTask(jobId, i % 2 === 0 ? w.worker : w.partner))
    for (const id of ids.slice(0, 3)) {
      const who = ids.indexOf(id) % 2 === 0 ? w.worker : w.partner
      await mined(market.connect(who).acceptTask(id))
      await mined(market.connect(who).commitResult(id, digestOf(id)))
    }
    const [a, b, c, assigned] = ids as [bigint, bigint, bigint, bigint]
    // a stranger before the window: nothing is payable
    assert.equal(await market.connect(w.stranger).settleBatch.staticCall([a, b, c, assigned]), 0n)
    // the requester pays a and b early (a listed twice)
    const before = await withdrawable(w.partner)
    const r = await mined(market.connect(w.requester).settleBatch([a, b, a, assigned]))
    assert.deepEqual(
      eventsOf(r, market).map((e) => e.args[0]),
      [a, b]
    )
    assert.equal(await withdrawable(w.partner), before + PRICE - FEE)
    // after the window a stranger pays the remaining committed task; a and b are skipped
    await advance(chain, 101)
    const r2 = await mined(market.connect(w.stranger).settleBatch([a, b, c, assigned]))
    assert.deepEqual(
      eventsOf(r2, market).map((e) => [e.name, e.args[0]]),
      [['TaskReleased', c]]
    )
    assert.equal((await market.getTask(assigned)).state, TaskState.Assigned)
  })

  it('refundUnspent: the requester at any time, anyone after the deadline, always to the requester', async () => {
    const { market } = w.d
    const jobId = await w.newJob(w.requester, 20n * ONE, 400)
    await w.newTask(jobId, w.worker2, PRICE, 300)
    await expectRevert(market.connect(w.stranger).refundUnspent(jobId), 'NotRequester', [w.stranger.address])
    const owed = await withdrawable(w.requester)
    const r = await mined(market.connect(w.requester).refundUnspent(jobId))
    assert.deepEqual(eventsOf(r, market), [
      { name: 'BudgetRefunded', args: [jobId, w.requester.address, 20n * ONE - PRICE] }
    ])
    assert.equal(await withdrawable(w.requester), owed + 20n * ONE - PRICE)

    const late = await w.newJob(w.requester, 5n * ONE, 50)
    await advance(chain, 51)
    await mined(market.connect(w.stranger).refundUnspent(late))
    assert.equal(await withdrawable(w.requester), owed + 20n * ONE - PRICE + 5n * ONE)
    assert.equal(await withdrawable(w.stranger), 0n)
  })

  it('withdraw and withdrawTo pay out the caller’s own balance', async () => {
    const { market } = w.d
    const owed = await withdrawable(w.worker2)
    assert.ok(owed > 2n)
    const before = [await balance(w.worker2), await balance(w.stranger)]
    const r = await mined(market.connect(w.worker2).withdraw(owed / 2n))
    assert.deepEqual(eventsOf(r, market), [
      { name: 'Withdrawn', args: [w.worker2.address, w.worker2.address, owed / 2n] }
    ])
    await mined(market.connect(w.worker2).withdrawTo(w.stranger.address, owed - owed / 2n))
    assert.equal(await balance(w.worker2), before[0]! + owed / 2n)
    assert.equal(await balance(w.stranger), before[1]! + owed - owed / 2n)
    assert.equal(await withdrawable(w.worker2), 0n)
  })

  it('the treasury pulls the fees; governance can move the treasury', async () => {
    const { market } = w.d
    const fees = await market.feesOwed()
    assert.ok(fees > 0n)
    const before = await balance(w.treasury)
    const r = await mined(market.connect(w.treasury).withdrawFees())
    assert.deepEqual(eventsOf(r, market), [{ name: 'FeesWithdrawn', args: [w.treasury.address, fees] }])
    assert.equal(await balance(w.treasury), before + fees)
    assert.equal(await market.feesOwed(), 0n)
    const moved = await mined(market.setTreasury(w.stranger.address))
    assert.deepEqual(eventsOf(moved, market), [{ name: 'TreasuryChanged', args: [w.stranger.address] }])
    assert.equal(await market.treasury(), w.stranger.address)
    await mined(market.setTreasury(w.treasury.address))
  })

  it('every token the market holds is owed to someone (rebuilt from events, as a node would)', async () => {
    // jobs' unreserved budgets + prices of open tasks + balances + fees == market token balance
    const { market, token, addresses } = w.d
    const argsOf = (log: unknown): unknown[] => [...(log as EventLog).args]
    let escrow = 0n
    for (const log of await market.queryFilter('JobCreated', 0)) {
      escrow += (await market.getJob(argsOf(log)[0] as bigint)).available
    }
    const accounts = new Set<string>()
    for (const log of await market.queryFilter('TaskAdded', 0)) {
      const [taskId, , worker] = argsOf(log) as [bigint, bigint, string]
      accounts.add(worker)
      const task = await market.getTask(taskId)
      if (task.state >= TaskState.Assigned && task.state <= TaskState.Challenged) escrow += task.price
    }
    for (const log of await market.queryFilter('JobCreated', 0)) accounts.add(argsOf(log)[1] as string)
    let owed = await market.feesOwed()
    for (const who of accounts) owed += await withdrawable({ address: who })
    assert.ok(escrow > 0n && owed > 0n)
    assert.equal(await token.balanceOf(addresses.market), escrow + owed)
  })
})
