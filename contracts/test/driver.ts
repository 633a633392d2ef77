// Runs model actions on the real contracts and compares the chain with the model.
import assert from 'node:assert/strict'
import { JsonRpcProvider, type TransactionReceipt, type Wallet } from 'ethers'
import { connectJobMarket, type JobMarketContract } from '../types/JobMarket.js'
import { connectRynusToken, type RynusTokenContract } from '../types/RynusToken.js'
import { connectWorkerRegistry, type WorkerRegistryContract } from '../types/WorkerRegistry.js'
import { type Chain, eventsOf, mined, revertName } from './fixture.js'
import type { Action, MarketModel, Outcome } from './model.js'
import type { World } from './world.js'

/** Sends `action` from `actor`; returns the receipt, or the name of the error it reverted with. */
export async function send(w: World, actor: Wallet, a: Action): Promise<TransactionReceipt | string> {
  const m = w.market.connect(actor)
  try {
    switch (a.kind) {
      case 'createJob':
        return await mined(m.createJob(a.nonce, a.budget, a.deadline))
      case 'addTask':
        return await mined(m.addTask(a.jobId, a.index, a.worker, a.price, a.dueAt))
      case 'commitResult':
        return await mined(
          m.commitResult(a.taskId, `0x${a.taskId.toString(16).slice(-64).padStart(64, '1')}`)
        )
      case 'vote':
        return await mined(m.vote(a.taskId, a.correct))
      case 'settleBatch':
        return await mined(m.settleBatch(a.taskIds))
      case 'settlePartial':
        return await mined(m.settlePartial(a.taskId, a.payout))
      case 'refundUnspent':
        return await mined(m.refundUnspent(a.jobId))
      case 'withdraw':
        return await mined(m.withdraw(a.amount))
      case 'withdrawFees':
        return await mined(m.withdrawFees())
      default:
        return await mined(m[a.kind](a.taskId))
    }
  } catch (err) {
    const name = revertName(err)
    if (name === undefined) throw err
    return name
  }
}

/** Applies `action` to the model and the chain and asserts both agree on the outcome. */
export async function step(
  w: World,
  model: MarketModel,
  paid: Map<bigint, number>,
  actor: Wallet,
  a: Action
): Promise<Outcome> {
  const expected = model.apply(actor.address, a)
  const result = await send(w, actor, a)
  const got = typeof result === 'string' ? result : null
  assert.equal(got, expected, `${a.kind} by ${actor.address}: chain says ${got}, model says ${expected}`)
  if (typeof result !== 'string') {
    for (const e of eventsOf(result, w.market)) {
      if (e.name !== 'TaskReleased') continue
      const taskId = e.args[0] as bigint
      paid.set(taskId, (paid.get(taskId) ?? 0) + 1)
      assert.equal(paid.get(taskId), 1, `task ${taskId} paid twice`)
    }
  }
  return expected
}

/** Read-only contracts on a provider that batches every read of one check into one request. */
export interface Reader {
  market: JobMarketContract
  token: RynusTokenContract
  registry: WorkerRegistryContract
  stop(): void
}

export function reader(chain: Chain, w: World): Reader {
  // unlike anvilProvider, this one batches the reads issued in the same tick into one request
  const batching = new JsonRpcProvider(chain.anvil.rpcUrl, chain.anvil.chainId, {
    staticNetwork: true,
    cacheTimeout: -1,
    batchMaxCount: 500,
    batchStallTime: 0
  })
  return {
    market: connectJobMarket(w.d.addresses.market, batching),
    token: connectRynusToken(w.d.addresses.token, batching),
    registry: connectWorkerRegistry(w.d.addresses.registry, batching),
    stop: () => batching.destroy()
  }
}

/** Every balance, account, job and task on chain equals the model; the market holds exactly what it owes. */
export async function agree(r: Reader, w: World, model: MarketModel, actors: Wallet[]): Promise<void> {
  const jobs = [...model.jobs.keys()]
  const tasks = [...model.tasks.keys()]
  const globals = [...model.stake.keys()]
  const [marketBalance, registryBalance, fees, tokenBalances, accounts, chainJobs, chainTasks, stakes] =
    await Promise.all([
      r.token.balanceOf(w.d.addresses.market),
      r.token.balanceOf(w.d.addresses.registry),
      r.market.feesOwed(),
      Promise.all(actors.map((a) => r.token.balanceOf(a.address))),
      Promise.all(actors.map((a) => r.market.accountOf(a.address))),
      Promise.all(jobs.map((id) => r.market.getJob(id))),
      Promise.all(tasks.map((id) => r.market.getTask(id))),
      Promise.all(globals.map((a) => r.registry.workerInfo(a)))
    ])
  assert.equal(marketBalance, model.liabilities(), 'market balance != escrow + withdrawable + fees')
  let staked = 0n
  for (const v of model.stake.values()) staked += v
  assert.equal(registryBalance, staked, 'registry balance != stakes')
  assert.equal(fees, model.fees)
  actors.forEach((a, i) => {
    const account = accounts[i]!
    assert.equal(tokenBalances[i], model.tokens.get(a.address) ?? 0n, `token balance of ${a.address}`)
    assert.equal(
      account.withdrawable,
      model.withdrawable.get(a.address) ?? 0n,
      `withdrawable of ${a.address}`
    )
    assert.equal(account.locked, model.locked.get(a.address) ?? 0n, `locked of ${a.address}`)
    assert.equal(account.openTasks, BigInt(model.openTasks.get(a.address) ?? 0), `open tasks of ${a.address}`)
  })
  jobs.forEach((id, i) => {
    const m = model.jobs.get(id)!
    assert.equal(chainJobs[i]!.available, m.available, `available of job ${id}`)
    assert.equal(chainJobs[i]!.taskCount, BigInt(m.taskCount))
  })
  tasks.forEach((id, i) => {
    const m = model.tasks.get(id)!
    assert.equal(chainTasks[i]!.state, m.state, `state of task ${id}`)
    assert.equal(chainTasks[i]!.dueAt, BigInt(m.dueAt), `dueAt of task ${id}`)
  })
  globals.forEach((a, i) => {
    assert.equal(stakes[i]![2], model.stake.get(a), `stake of ${a}`)
  })
}
