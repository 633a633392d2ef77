// Property test: random sequences of actions by random actors against the real contracts, each
// checked against a reference model after every step (driver.ts, model.ts). After the sequence,
// all deadlines pass and everyone exits: every party withdraws everything it is owed, the market
// ends empty, and no token was created, lost or moved to the wrong account.
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { MaxUint256, type Wallet } from 'ethers'
import fc from 'fast-check'
import { TaskState } from '../types/JobMarket.js'
import { agree, type Reader, reader, step } from './driver.js'
import { type Chain, mineAt, mined, now, ONE, revertTo, snapshot, startChain } from './fixture.js'
import { type Action, isOpen, MarketModel } from './model.js'
import { mover, stepArb } from './steps.js'
import { buildWorld, STAKE, type World } from './world.js'

// A fixed seed keeps CI deterministic; explore with e.g. RYNUS_PROPERTY_RUNS=500 RYNUS_PROPERTY_SEED=random.
const RUNS = Number(process.env.RYNUS_PROPERTY_RUNS ?? 30)
const SEED_ENV = process.env.RYNUS_PROPERTY_SEED ?? '20260501'
const SEED = SEED_ENV === 'random' ? Date.now() % 2 ** 31 : Number(SEED_ENV)

describe('JobMarket under random action sequences by random actors', () => {
  let chain: Chain
  let w: World
  let r: Reader
  let actors: Wallet[]
  let base: string
  let moveFor: ReturnType<typeof mover>
  before(async () => {
    chain = await startChain()
    w = await buildWorld(chain)
    actors = [
      w.requester,
      w.requester2,
      w.worker,
      w.worker2,
      w.partner,
      w.v1,
      w.v2,
      w.v3,
      w.stranger,
      w.treasury,
      w.gov
    ]
    for (const a of actors) {
      await mined(w.d.token.mint(a.address, 1_000n * ONE))
      await mined(w.d.token.connect(a).approve(w.d.addresses.market, MaxUint256))
    }
    r = reader(chain, w)
    moveFor = mover(w, actors)
    base = await snapshot(chain)
  })
  after(async () => {
    r.stop()
    await chain.stop()
  })

  const freshModel = async (): Promise<MarketModel> => {
    const model = new MarketModel(
      new Map([
        [w.worker.address, STAKE],
        [w.worker2.address, STAKE]
      ]),
      new Set([w.partner.address, w.v1.address, w.v2.address, w.v3.address]),
      w.treasury.address,
      await now(chain)
    )
    for (const a of actors) model.tokens.set(a.address, await w.d.token.balanceOf(a.address))
    return model
  }

  /** Lets every deadline pass, settles everything, and has every party take out all it is owed. */
  const exitAll = async (model: MarketModel, paid: Map<bigint, number>): Promise<void> => {
    let latest = model.now
    for (const job of model.jobs.values()) latest = Math.max(latest, job.deadline)
    for (const task of model.tasks.values()) latest = Math.max(latest, task.dueAt)
    model.now = latest + 1
    await mineAt(chain, model.now)
    for (const [taskId, task] of model.tasks) {
      if (!isOpen(task.state)) continue
      const kind =
        task.state === TaskState.Committed
          ? 'release'
          : task.state === TaskState.Challenged
            ? 'resolveDispute'
            : 'expireTask'
      assert.equal(await step(w, model, paid, w.stranger, { kind, taskId }), null)
    }
    for (const [jobId, job] of model.jobs) {
      if (job.available > 0n)
        assert.equal(await step(w, model, paid, w.stranger, { kind: 'refundUnspent', jobId }), null)
    }
    for (const a of actors) {
      const owed = model.withdrawable.get(a.address) ?? 0n
      if (owed > 0n) assert.equal(await step(w, model, paid, a, { kind: 'withdraw', amount: owed }), null)
    }
    if (model.fees > 0n) assert.equal(await step(w, model, paid, w.treasury, { kind: 'withdrawFees' }), null)
    await agree(r, w, model, actors)
    assert.equal(
      await w.d.token.balanceOf(w.d.addresses.market),
      0n,
      'the market still holds tokens after everyone exited'
    )
    // global workers hold no locked stake any more and can unbond all of it
    for (const worker of [w.worker, w.worker2]) {
      assert.equal(await w.market.lockedCollateral(worker.address), 0n)
      const stake = model.stake.get(worker.address)!
      if (stake > 0n) await mined(w.d.registry.connect(worker).requestUnbond(stake))
    }
    await mineAt(chain, (await now(chain)) + 1_000)
    for (const worker of [w.worker, w.worker2]) {
      if (model.stake.get(worker.address)! > 0n) await mined(w.d.registry.connect(worker).withdrawUnbonded())
    }
    assert.equal(await w.d.token.balanceOf(w.d.addresses.registry), 0n)
  }

  it(`keeps the books exact, pays each task at most once and lets everyone exit (${RUNS} sequences)`, async (t) => {
    let runs = 0
    const outcomes = new Map<string, number>()
    await fc.assert(
      fc.asyncProperty(fc.array(stepArb, { minLength: 20, maxLength: 40 }), async (steps) => {
        runs++
        await revertTo(chain, base)
        base = await snapshot(chain)
        const model = await freshModel()
        const paid = new Map<bigint, number>()
        // every sequence starts with two open jobs, so that tasks can be added from the first step
        for (const requester of [w.requester, w.requester2]) {
          const action: Action = {
            kind: 'createJob',
            nonce: 1n,
            budget: 100n * ONE,
            deadline: model.now + 2_000
          }
          assert.equal(await step(w, model, paid, requester, action), null)
        }
        for (const s of steps) {
          if (s.op === 'advance') {
            model.now += s.seconds
            await mineAt(chain, model.now)
          } else {
            const move = moveFor(model, s)
            if (move === undefined) continue
            const [actor, action] = move
            const outcome = await step(w, model, paid, actor, action)
            const key = `${action.kind}:${outcome ?? 'ok'}`
            outcomes.set(key, (outcomes.get(key) ?? 0) + 1)
          }
          await agree(r, w, model, actors)
        }
        assert.deepEqual(new Set(paid.keys()), model.paid)
        await exitAll(model, paid)
      }),
      { numRuns: RUNS, seed: SEED, endOnFailure: true }
    )
    assert.equal(runs >= RUNS, true)
    // the sequences reached the interesting places, not only the reverts
    const ok = [...outcomes].filter(([k]) => k.endsWith(':ok')).map(([k, n]) => `${k.slice(0, -3)} ${n}`)
    t.diagnostic(
      `seed ${SEED}; successful actions: ${ok.join(', ')}; ${[...outcomes].filter(([k]) => !k.endsWith(':ok')).length} kinds of revert`
    )
    for (const key of [
      'addTask:ok',
      'acceptTask:ok',
      'commitResult:ok',
      'challenge:ok',
      'vote:ok',
      'settlePartial:ok',
      'withdraw:ok'
    ]) {
      assert.ok((outcomes.get(key) ?? 0) > 0, `no sequence reached ${key}: ${JSON.stringify([...outcomes])}`)
    }
  })
})
