import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { Interface, type Wallet } from 'ethers'
import { jobIdOf } from '../ids.js'
import { jobMarketAbi } from '../types/JobMarket.js'
import { deployCallbackToken } from '../types/test/CallbackToken.js'
import { deployFeeOnTransferToken } from '../types/test/FeeOnTransferToken.js'
import { deployReentrantToken, type ReentrantTokenContract } from '../types/test/ReentrantToken.js'
import { deployScriptedActor, type ScriptedActorContract } from '../types/test/ScriptedActor.js'
import { workerRegistryAbi } from '../types/WorkerRegistry.js'
import {
  advance,
  type Chain,
  deployForTest,
  expectRevert,
  mined,
  now,
  ONE,
  revertTo,
  snapshot,
  startChain
} from './fixture.js'
import { buildWorld, digestOf, PRICE, peerIdOf, type World } from './world.js'

const market = new Interface(jobMarketAbi)
const registry = new Interface(workerRegistryAbi)
const REENTRANT_CALL = market.getError('ReentrancyGuardReentrantCall')!.selector

/** The market's token balance equals what its ledger says it owes (escrow is checked elsewhere). */
async function ledgerBalanced(w: World, owedTo: string[], escrow: bigint): Promise<void> {
  let owed = await w.market.feesOwed()
  for (const who of owedTo) owed += (await w.market.accountOf(who)).withdrawable
  assert.equal(await w.d.token.balanceOf(w.d.addresses.market), owed + escrow)
}

describe('hostile tokens and recipients', () => {
  let chain: Chain
  let clean: string
  /** Back to the bare chain (a snapshot is consumed by reverting to it, so take it again). */
  const fresh = async (): Promise<void> => {
    await revertTo(chain, clean)
    clean = await snapshot(chain)
  }
  before(async () => {
    chain = await startChain()
    clean = await snapshot(chain)
  })
  after(() => chain.stop())

  it('a fee-on-transfer token is refused by the market and the registry; nothing is booked', async () => {
    await fresh()
    const [gov, requester, worker] = chain.wallets.slice(0, 3) as [Wallet, Wallet, Wallet]
    const fot = await deployFeeOnTransferToken(gov)
    const d = await deployForTest(chain, { token: await fot.getAddress() })
    await mined(fot.mint(requester.address, 100n * ONE))
    await mined(fot.connect(requester).approve(d.addresses.market, 100n * ONE))
    await expectRevert(
      d.market.connect(requester).createJob(1, 100n * ONE, (await now(chain)) + 1_000),
      'TransferMismatch',
      [100n * ONE, 99n * ONE]
    )
    await mined(fot.mint(worker.address, 10n * ONE))
    await mined(fot.connect(worker).approve(d.addresses.registry, 10n * ONE))
    await mined(d.registry.connect(worker).register(peerIdOf(worker.address), '0x'))
    await expectRevert(d.registry.connect(worker).stake(10n * ONE), 'TransferMismatch', [
      10n * ONE,
      (99n * ONE) / 10n
    ])
    assert.equal(await fot.balanceOf(d.addresses.market), 0n)
    assert.equal(await fot.balanceOf(d.addresses.registry), 0n)
    assert.equal((await d.market.getJob(jobIdOf(requester.address, 1n))).deadline, 0n)
  })

  describe('a token that re-enters the market on every transfer', () => {
    let w: World
    let ree: ReentrantTokenContract
    let reeAddress: string
    const X = 5n * ONE
    before(async () => {
      await fresh()
      ree = await deployReentrantToken(chain.wallets[0]!)
      reeAddress = await ree.getAddress()
      w = await buildWorld(chain, { token: reeAddress })
      // the token itself becomes a requester with X owed to it, so a re-entrant withdraw has funds to take
      await mined(ree.mint(reeAddress, X))
      await mined(
        ree.exec(reeAddress, ree.interface.encodeFunctionData('approve', [w.d.addresses.market, X]))
      )
      const deadline = (await now(chain)) + 1_000
      await mined(ree.exec(w.d.addresses.market, market.encodeFunctionData('createJob', [1, X, deadline])))
      const jobId = jobIdOf(reeAddress, 1n)
      await mined(ree.exec(w.d.addresses.market, market.encodeFunctionData('refundUnspent', [jobId])))
      assert.equal((await w.market.accountOf(reeAddress)).withdrawable, X)
    })

    it('cannot withdraw twice by re-entering a withdrawal', async () => {
      const jobId = await w.newJob(w.requester, 3n * ONE)
      await mined(w.market.connect(w.requester).refundUnspent(jobId))
      await mined(ree.arm(w.d.addresses.market, market.encodeFunctionData('withdraw', [X])))
      const before = await w.d.token.balanceOf(w.requester.address)
      await mined(w.market.connect(w.requester).withdraw(3n * ONE))
      assert.equal(await ree.hookFired(), true)
      assert.equal(await ree.hookSucceeded(), false)
      assert.equal((await ree.hookResult()).slice(0, 10), REENTRANT_CALL)
      assert.equal(await w.d.token.balanceOf(w.requester.address), before + 3n * ONE)
      assert.equal((await w.market.accountOf(reeAddress)).withdrawable, X)
      await ledgerBalanced(w, [reeAddress, w.requester.address], 0n)
      // the same call made outside a transfer succeeds: the guard, not the call, stopped it
      await mined(ree.exec(w.d.addresses.market, market.encodeFunctionData('withdraw', [X])))
      assert.equal((await w.market.accountOf(reeAddress)).withdrawable, 0n)
    })

    it('cannot re-enter while a job is escrowed or while a slash moves stake', async () => {
      await mined(ree.arm(w.d.addresses.market, market.encodeFunctionData('refundUnspent', [0n])))
      const jobId = await w.newJob(w.requester, 2n * PRICE, 2_000)
      assert.equal(await ree.hookSucceeded(), false)
      assert.equal((await ree.hookResult()).slice(0, 10), REENTRANT_CALL)

      const taskId = await w.newTask(jobId, w.worker, PRICE, 50)
      await mined(w.market.connect(w.worker).acceptTask(taskId))
      await advance(chain, 50)
      await mined(ree.arm(w.d.addresses.market, market.encodeFunctionData('expireTask', [taskId])))
      await mined(w.market.connect(w.stranger).expireTask(taskId)) // registry.slash transfers, the hook fires
      assert.equal(await ree.hookFired(), true)
      assert.equal(await ree.hookSucceeded(), false)
      assert.equal((await ree.hookResult()).slice(0, 10), REENTRANT_CALL)
      const collateral = (PRICE * 2_000n) / 10_000n
      assert.equal((await w.market.accountOf(w.requester.address)).withdrawable, collateral)
      await ledgerBalanced(w, [reeAddress, w.requester.address], 2n * PRICE)
    })

    it('cannot re-enter the registry while it pays out unbonded stake', async () => {
      await mined(w.d.registry.connect(w.worker2).requestUnbond(ONE))
      await advance(chain, 1_000)
      await mined(ree.arm(w.d.addresses.registry, registry.encodeFunctionData('withdrawUnbonded')))
      await mined(w.d.registry.connect(w.worker2).withdrawUnbonded())
      assert.equal(await ree.hookSucceeded(), false)
      assert.equal((await ree.hookResult()).slice(0, 10), REENTRANT_CALL)
    })
  })

  describe('recipients that refuse tokens (receive hook reverts)', () => {
    let w: World
    let actor: ScriptedActorContract
    let actorAddress: string
    const exec = (target: string, data: string) => mined(actor.exec(target, data))
    before(async () => {
      await fresh()
      const cbk = await deployCallbackToken(chain.wallets[0]!)
      w = await buildWorld(chain, { token: await cbk.getAddress() })
      actor = await deployScriptedActor(w.requester2)
      actorAddress = await actor.getAddress()
      await exec(w.d.addresses.token, cbk.interface.encodeFunctionData('optIn'))
      await mined(cbk.mint(actorAddress, 100n * ONE))
    })

    it('a requester that refuses payment keeps its refund claimable and cannot block the worker', async () => {
      const m = w.d.addresses.market
      await exec(w.d.addresses.token, w.d.token.interface.encodeFunctionData('approve', [m, 30n * ONE]))
      await exec(m, market.encodeFunctionData('createJob', [1, 30n * ONE, (await now(chain)) + 1_000]))
      const jobId = jobIdOf(actorAddress, 1n)
      await exec(
        m,
        market.encodeFunctionData('addTask', [jobId, 0, w.partner.address, PRICE, (await now(chain)) + 500])
      )
      const taskId = jobId << 32n
      await mined(w.market.connect(w.partner).acceptTask(taskId))
      await mined(w.market.connect(w.partner).commitResult(taskId, digestOf(taskId)))
      await mined(actor.connect(w.requester2).setRefusing(true))

      await advance(chain, 100)
      await mined(w.market.connect(w.stranger).release(taskId))
      await mined(w.market.connect(w.partner).withdraw(PRICE - PRICE / 100n))
      await exec(m, market.encodeFunctionData('refundUnspent', [jobId]))
      const owed = (await w.market.accountOf(actorAddress)).withdrawable
      assert.equal(owed, 20n * ONE)
      await expectRevert(actor.exec(m, market.encodeFunctionData('withdraw', [owed])), 'Refused')
      assert.equal((await w.market.accountOf(actorAddress)).withdrawable, owed)
      const before = await w.d.token.balanceOf(w.requester2.address)
      await exec(m, market.encodeFunctionData('withdrawTo', [w.requester2.address, owed]))
      assert.equal(await w.d.token.balanceOf(w.requester2.address), before + owed)
      await mined(actor.connect(w.requester2).setRefusing(false))
    })

    it('a treasury that refuses payment keeps the fees owed until governance names another', async () => {
      const fees = await w.market.feesOwed()
      assert.ok(fees > 0n)
      await mined(w.market.setTreasury(actorAddress))
      await mined(actor.connect(w.requester2).setRefusing(true))
      await expectRevert(
        actor.exec(w.d.addresses.market, market.encodeFunctionData('withdrawFees')),
        'Refused'
      )
      assert.equal(await w.market.feesOwed(), fees)
      await mined(w.market.setTreasury(w.treasury.address))
      await mined(w.market.connect(w.treasury).withdrawFees())
      assert.equal(await w.d.token.balanceOf(w.treasury.address), fees)
    })

    it('a worker that refuses payment is still settled, and collects through withdrawTo', async () => {
      const r = w.d.addresses.registry
      await exec(r, registry.encodeFunctionData('register', [peerIdOf(actorAddress), '0x']))
      await mined(w.d.registry.setTier(actorAddress, 1))
      const jobId = await w.newJob(w.requester, PRICE)
      const taskId = jobId << 32n
      await mined(
        w.market.connect(w.requester).addTask(jobId, 0, actorAddress, PRICE, (await now(chain)) + 500)
      )
      await exec(w.d.addresses.market, market.encodeFunctionData('acceptTask', [taskId]))
      await exec(w.d.addresses.market, market.encodeFunctionData('commitResult', [taskId, digestOf(taskId)]))
      await mined(w.market.connect(w.requester).acceptResult(taskId))
      const owed = (await w.market.accountOf(actorAddress)).withdrawable
      assert.equal(owed, PRICE - PRICE / 100n)
      await expectRevert(
        actor.exec(w.d.addresses.market, market.encodeFunctionData('withdraw', [owed])),
        'Refused'
      )
      await exec(w.d.addresses.market, market.encodeFunctionData('withdrawTo', [w.requester2.address, owed]))
      assert.equal((await w.market.accountOf(actorAddress)).withdrawable, 0n)
    })
  })
})
