// Random steps for the property test: what fast-check generates, and how a step becomes a
// concrete actor and action given what the model knows (market.property.test.ts runs them).
import type { Wallet } from 'ethers'
import fc from 'fast-check'
import { jobIdOf, requesterOfJob, requesterOfTask, taskIdOf } from '../ids.js'
import { TaskState } from '../types/JobMarket.js'
import { ONE } from './fixture.js'
import { type Action, isOpen, type MarketModel } from './model.js'
import type { World } from './world.js'

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
export type Step =
  | { op: 'createJob'; who: Who; nonce: number; budget: number; deadlineIn: number }
  /** index: the job's next free index, or (when `reuse`) index 0, which may be taken */
  | { op: 'addTask'; who: Who; job: number; reuse: boolean; worker: number; price: number; dueIn: number }
  | { op: TaskOp; who: Who; task: number }
  | { op: 'vote'; who: Who; task: number; correct: boolean }
  /** pays `quarters`/4 of the task's price; 5 quarters is above the price */
  | { op: 'settlePartial'; who: Who; task: number; quarters: number }
  | { op: 'settleBatch'; who: Who; tasks: number[] }
  | { op: 'refundUnspent'; who: Who; job: number }
  | { op: 'withdraw'; who: Who; part: 'all' | 'half' | 'more' }
  | { op: 'withdrawFees'; who: Who }
  | { op: 'advance'; seconds: number }
  /** the next natural move on an open task: accept, commit, accept/challenge/release, vote/resolve */
  | { op: 'progress'; task: number; choice: number }

const { Assigned, Accepted, Committed, Challenged } = TaskState
const SUITED: Record<TaskOp | 'vote' | 'settleBatch' | 'settlePartial', bigint[]> = {
  cancelTask: [Assigned],
  acceptTask: [Assigned],
  commitResult: [Accepted],
  acceptResult: [Committed],
  challenge: [Committed],
  release: [Committed],
  settleBatch: [Committed],
  settlePartial: [Accepted],
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
export const stepArb: fc.Arbitrary<Step> = fc.oneof(
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
      op: fc.constant('settlePartial' as const),
      who,
      task: pick,
      quarters: fc.nat(5)
    })
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

/** Turns steps into moves for the actors of `w`. */
export function mover(
  w: World,
  actors: Wallet[]
): (model: MarketModel, s: Exclude<Step, { op: 'advance' }>) => [Wallet, Action] | undefined {
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
    const taskFor = (op: TaskOp | 'vote' | 'settleBatch' | 'settlePartial', i: number): bigint => {
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
      case 'settlePartial': {
        const taskId = taskFor('settlePartial', s.task)
        const price = model.tasks.get(taskId)?.price ?? ONE
        return [
          s.who.natural ? byAddress(requesterOfTask(taskId)) : anyone,
          { kind: 'settlePartial', taskId, payout: (price * BigInt(s.quarters)) / 4n }
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
        return c < 3
          ? [worker, { kind: 'commitResult', taskId }]
          : c < 4
            ? [requester, { kind: 'settlePartial', taskId, payout: (task.price * BigInt(taskId % 5n)) / 4n }]
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
  return (model, s) => (s.op === 'progress' ? progress(model, s) : resolve(model, s))
}
