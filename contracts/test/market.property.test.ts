// Property test: random sequences of actions by random actors against the real contracts, each
// checked against a reference model after every step (driver.ts, model.ts). After the sequence,
// all deadlines pass and everyone exits: every party withdraws everything it is owed, the market
// ends empty, and no token was created, lost or moved to the wrong account.
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { MaxUint256, type Wallet } from 'ethers'
import fc from 'fast-check'
import { jobIdOf, requesterOfJob, requesterOfTask, taskIdOf } from '../ids.js'
import { TaskState } from '../types/JobMarket.js'
import { agree, type Reader, reader, step } from './driver.js'
import { type Chain, mineAt, mined, now, ONE, revertTo, snapshot, startChain } from './fixture.js'
import { type Action, isOpen, MarketModel } from './model.js'
import { buildWorld, STAKE, type World } from './world.js'

// A fixed seed keeps CI deterministic; explore with e.g. RYNUS_PROPERTY_RUNS=500 RYNUS_PROPERTY_SEED=random.
const RUNS = Number(process.env.RYNUS_PROPERTY_RUNS ?? 30)
const SEED_ENV = process.env.RYNUS_PROPERTY_SEED ?? '20260501'
const SEED = SEED_ENV === 'random' ? Date.now() % 2 ** 31 : Number(SEED_ENV)

type TaskOp =
  | 'cancelTask'
  | 'acceptTask'
  | 'commitResult'
  | 'acceptResult'
  | 'challenge'
  | 'release'
  | 'resolveDispute'
  | 'expireTask'
/** `natural` picks the party meant to act (requester, worker, a validator); otherwise actor `index` acts. */
type Who = { natural: boolean; index: number }
type Step =
  | { op: 'createJob'; who: Who; nonce: number; budget: number; deadlineIn: number }
  /** index: the job's next free index, or (when `reuse`) index 0, which may be taken */
  | { op: 'addTask'; who: Who; job: number; reuse: boolean; worker: number; price: number; dueIn: number }
  | { op: TaskOp; who: Who; task: number }
  | { op: 'vote'; who: Who; task: number; correct: boolean }
  | { op: 'settleBatch'; who: Who; tasks: number[] }
  | { op: 'refundUnspent'; who: Who; job: number }
  | { op: 'withdraw'; who: Who; part: 'all' | 'half' | 'more' }
  | { op: 'withdrawFees'; who: Who }
  | { op: 'advance'; seconds: number }
  /** the next natural move on an open task: accept, commit, accept/challenge/release, vote/resolve */
  | { op: 'progress'; task: number; choice: number }

const { Assigned, Accepted, Committed, Challenged } = TaskState
const SUITED: Record<TaskOp | 'vote' | 'settleBatch', bigint[]> = {
  cancelTask: [Assigned],
  acceptTask: [Assigned],
  commitResult: [Accepted],
  acceptResult: [Committed],
  challenge: [Committed],
  release: [Committed],
  settleBatch: [Committed],
  resolveDispute: [Challenged],
  vote: [Challenged],
  expireTask: [Assigned, Accepted]
}

// three in four steps are taken by the party meant to take them
const who = fc.record({ natural: fc.nat(3).map((n) => n > 0), index: fc.nat(20) })
const pick = fc.nat(30)
const taskOps: TaskOp[] = [
  'cancelTask',
  'acceptTask',
  'commitResult',
  'acceptResult',
  'challenge',
  'release',
  'resolveDispute',
  'expireTask'
]
const stepArb: fc.Arbitrary<Step> = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.record({
      op: fc.constant('createJob' as const),
      who,
      nonce: fc.nat(7),
      budget: fc.integer({ min: 1, max: 200 }),
      deadlineIn: fc.integer({ min: 1, max: 2_000 })
    })
  },
  {
    weight: 6,
    arbitrary: fc.record({
      op: fc.constant('addTask' as const),
      who,
      job: pick,
      reuse: fc.nat(5).map((n) => n === 0),
      worker: fc.nat(6),
      price: fc.integer({ min: 1, max: 12 }),
      dueIn: fc.integer({ min: 1, max: 400 })
    })
  },
  { weight: 12, arbitrary: fc.record({ op: fc.constantFrom(...taskOps), who, task: pick }) },
  {
    weight: 2,
    arbitrary: fc.record({ op: fc.constant('vote' as const), who, task: pick, correct: fc.boolean() })
  },
  {
    weight: 2,
    arbitrary: fc.record({
      op: fc.constant('settleBatch' as const),
      who,
      tasks: fc.array(pick, { minLength: 1, maxLength: 6 })
    })
  },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('refundUnspent' as const), who, job: pick }) },
  {
    weight: 3,
    arbitrary: fc.record({
      op: fc.constant('withdraw' as const),
      who,
      part: fc.constantFrom('all' as const, 'half' as const, 'more' as const)
    })
  },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('withdrawFees' as const), who }) },
  {
    weight: 3,
    arbitrary: fc.record({ op: fc.constant('advance' as const), seconds: fc.integer({ min: 1, max: 400 }) })
  },
  {
    weight: 24,
    arbitrary: fc.record({ op: fc.constant('progress' as const), task: pick, choice: fc.nat(4) })
  }
)

describe('JobMarket under random action sequences by random actors', () => {
  let chain: Chain
  let w: World
  let r: Reader
  let actors: Wallet[]
  let base: string
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

  /** Turns an abstract step into a concrete actor and action, using what the model knows. */
  const resolve = (
    model: MarketModel,
    s: Exclude<Step, { op: 'advance' | 'progress' }>
  ): [Wallet, Action] => {
    const jobs = [...model.jobs.keys()]
    const tasks = [...model.tasks.keys()]
    const jobAt = (i: number): bigint =>
      jobs.length === 0 || i >= 29
        ? jobIdOf(actors[i % actors.length]!.address, 999n)
        : jobs[i % jobs.length]!
    const taskAt = (i: number): bigint =>
      tasks.length === 0 || i >= 29 ? taskIdOf(jobAt(0), 77) : tasks[i % tasks.length]!
    /** The natural party acts on a task in a state where the action makes sense. */
    const taskFor = (op: TaskOp | 'vote' | 'settleBatch', i: number): bigint => {
      if (!s.who.natural) return taskAt(i)
      const fits = tasks.filter((id) => SUITED[op].includes(model.tasks.get(id)!.state))
      return fits.length > 0 ? fits[i % fits.length]! : taskAt(i)
    }
    const byAddress = (address: string): Wallet => actors.find((a) => a.address === address) ?? w.stranger
    const anyone = actors[s.who.index % actors.length]!
    const validators = [w.v1, w.v2, w.v3]
    const t = model.now
    switch (s.op) {
      case 'createJob':
        return [
          anyone,
          {
            kind: 'createJob',
            nonce: BigInt(s.nonce),
            budget: BigInt(s.budget) * ONE,
            deadline: t + s.deadlineIn
          }
        ]
      case 'addTask': {
        const jobId = jobAt(s.job)
        const workers = [w.worker, w.worker2, w.partner, w.v1, w.worker, w.stranger, w.worker2]
        const actor = s.who.natural ? byAddress(requesterOfJob(jobId)) : anyone
        const index = s.reuse ? 0 : (model.jobs.get(jobId)?.taskCount ?? 0)
        return [
          actor,
          {
            kind: 'addTask',
            jobId,
            index,
            worker: workers[s.worker]!.address,
            price: BigInt(s.price) * ONE,
            dueAt: t + s.dueIn
          }
        ]
      }
      case 'vote': {
        const taskId = taskFor('vote', s.task)
        return [
          s.who.natural ? validators[s.who.index % 3]! : anyone,
          { kind: 'vote', taskId, correct: s.correct }
        ]
      }
      case 'settleBatch': {
        const taskIds = s.tasks.map((i) => taskFor('settleBatch', i))
        return [
          s.who.natural ? byAddress(requesterOfTask(taskIds[0]!)) : anyone,
          { kind: 'settleBatch', taskIds }
        ]
      }
      case 'refundUnspent': {
        const jobId = jobAt(s.job)
        return [s.who.natural ? byAddress(requesterOfJob(jobId)) : anyone, { kind: 'refundUnspent', jobId }]
      }
      case 'withdraw': {
        const owedSome = actors.filter((a) => (model.withdrawable.get(a.address) ?? 0n) > 0n)
        const actor = s.who.natural && owedSome.length > 0 ? owedSome[s.who.index % owedSome.length]! : anyone
        const owed = model.withdrawable.get(actor.address) ?? 0n
        const amount = s.part === 'all' ? owed : s.part === 'half' ? owed / 2n : owed + 1n
        return [actor, { kind: 'withdraw', amount }]
      }
      case 'withdrawFees':
        return [s.who.natural ? w.treasury : anyone, { kind: 'withdrawFees' }]
      default: {
        const taskId = taskFor(s.op, s.task)
        const task = model.tasks.get(taskId)
        const byWorker = s.op === 'acceptTask' || s.op === 'commitResult'
        const natural =
          task === undefined ? anyone : byAddress(byWorker ? task.worker : requesterOfTask(taskId))
        return [s.who.natural ? natural : anyone, { kind: s.op, taskId }]
      }
    }
  }

  /** The next natural move on an open task, or undefined when no task is open. */
  const progress = (
    model: MarketModel,
    s: Extract<Step, { op: 'progress' }>
  ): [Wallet, Action] | undefined => {
    const open = [...model.tasks].filter(([, task]) => isOpen(task.state))
    if (open.length === 0) return undefined
    const [taskId, task] = open[s.task % open.length]!
    const worker = actors.find((a) => a.address === task.worker) ?? w.stranger
    const requester = actors.find((a) => a.address === requesterOfTask(taskId))!
    const c = s.choice
    switch (task.state) {
      case TaskState.Assigned:
        return c < 4 ? [worker, { kind: 'acceptTask', taskId }] : [requester, { kind: 'cancelTask', taskId }]
      case TaskState.Accepted:
        return c < 4
          ? [worker, { kind: 'commitResult', taskId }]
          : [w.stranger, { kind: 'expireTask', taskId }]
      case TaskState.Committed:
        return c < 2
          ? [requester, { kind: 'challenge', taskId }]
          : c < 4
            ? [requester, { kind: 'acceptResult', taskId }]
            : [w.stranger, { kind: 'release', taskId }]
      default:
        return c < 4
          ? [[w.v1, w.v2, w.v3][c % 3]!, { kind: 'vote', taskId, correct: c % 2 === 0 }]
          : [w.stranger, { kind: 'resolveDispute', taskId }]
    }
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
            const move = s.op === 'progress' ? progress(model, s) : resolve(model, s)
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
      'withdraw:ok'
    ]) {
      assert.ok((outcomes.get(key) ?? 0) > 0, `no sequence reached ${key}: ${JSON.stringify([...outcomes])}`)
    }
  })
})
