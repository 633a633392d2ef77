// A reference model of JobMarket + WorkerRegistry for the property test: plain TypeScript that
// says, for any action by anyone, whether the contracts must accept it (and what changes) or
// which error they must raise. The property test runs both and compares them after every step.
import { jobIdOf, requesterOfJob, requesterOfTask, taskIdOf } from '../ids.js'
import { TaskState } from '../types/JobMarket.js'

export const FEE_BPS = 100n
export const COLLATERAL_BPS = 2_000n
export const CHALLENGE_WINDOW = 100
export const DISPUTE_WINDOW = 200
export const QUORUM = 2

export interface ModelTask {
  worker: string
  price: bigint
  state: bigint
  dueAt: number
  collateralized: boolean
  up: number
  down: number
  voters: Set<string>
}

export interface ModelJob {
  available: bigint
  deadline: number
  taskCount: number
}

export type Action =
  | { kind: 'createJob'; nonce: bigint; budget: bigint; deadline: number }
  | { kind: 'addTask'; jobId: bigint; index: number; worker: string; price: bigint; dueAt: number }
  | {
      kind:
        | 'cancelTask'
        | 'acceptTask'
        | 'acceptResult'
        | 'challenge'
        | 'release'
        | 'resolveDispute'
        | 'expireTask'
      taskId: bigint
    }
  | { kind: 'commitResult'; taskId: bigint }
  | { kind: 'vote'; taskId: bigint; correct: boolean }
  | { kind: 'settlePartial'; taskId: bigint; payout: bigint }
  | { kind: 'settleBatch'; taskIds: bigint[] }
  | { kind: 'refundUnspent'; jobId: bigint }
  | { kind: 'withdraw'; amount: bigint }
  | { kind: 'withdrawFees' }

/** Either the error the contracts raise, or null when the action succeeds (and was applied). */
export type Outcome = string | null

export class MarketModel {
  readonly jobs = new Map<bigint, ModelJob>()
  readonly tasks = new Map<bigint, ModelTask>()
  readonly withdrawable = new Map<string, bigint>()
  readonly locked = new Map<string, bigint>()
  readonly openTasks = new Map<string, number>()
  /** token balances of the actors (wallets) */
  readonly tokens = new Map<string, bigint>()
  readonly paid = new Set<bigint>()
  fees = 0n

  constructor(
    /** registry: stake of global-tier workers; trusted partners have tier 'trusted' */
    readonly stake: Map<string, bigint>,
    readonly trusted: Set<string>,
    readonly treasury: string,
    public now: number
  ) {}

  /** Applies `action` by `actor` in the next block (now + 1) and returns its outcome. */
  apply(actor: string, action: Action): Outcome {
    const t = this.now + 1
    const outcome = this.#apply(actor, action, t)
    if (outcome === null) this.now = t
    return outcome
  }

  /** Every token the market holds is owed to someone: unreserved budgets, open prices, balances, fees. */
  liabilities(): bigint {
    let sum = this.fees
    for (const job of this.jobs.values()) sum += job.available
    for (const task of this.tasks.values()) if (isOpen(task.state)) sum += task.price
    for (const amount of this.withdrawable.values()) sum += amount
    return sum
  }

  #apply(actor: string, a: Action, t: number): Outcome {
    switch (a.kind) {
      case 'createJob': {
        if (a.deadline <= t) return 'BadDeadline'
        const jobId = jobIdOf(actor, a.nonce)
        if (this.jobs.has(jobId)) return 'JobExists'
        if (get(this.tokens, actor) < a.budget) return 'ERC20InsufficientBalance'
        this.jobs.set(jobId, { available: a.budget, deadline: a.deadline, taskCount: 0 })
        add(this.tokens, actor, -a.budget)
        return null
      }
      case 'addTask': {
        const job = this.jobs.get(a.jobId)
        if (actor !== requesterOfJob(a.jobId)) return 'NotRequester'
        if (job === undefined) return 'UnknownJob'
        if (a.price > job.available) return 'InsufficientBudget'
        if (a.dueAt <= t || a.dueAt > job.deadline) return 'BadDeadline'
        const taskId = taskIdOf(a.jobId, a.index)
        if (this.tasks.has(taskId)) return 'TaskExists'
        job.available -= a.price
        job.taskCount++
        this.tasks.set(taskId, {
          worker: a.worker,
          price: a.price,
          state: TaskState.Assigned,
          dueAt: a.dueAt,
          collateralized: false,
          up: 0,
          down: 0,
          voters: new Set()
        })
        return null
      }
      case 'cancelTask': {
        const task = this.#task(a.taskId)
        if (actor !== requesterOfTask(a.taskId)) return 'NotRequester'
        if (task.state !== TaskState.Assigned) return 'WrongState'
        this.#unwind(a.taskId, task, TaskState.Cancelled)
        return null
      }
      case 'acceptTask': {
        const task = this.#task(a.taskId)
        if (task.state !== TaskState.Assigned) return 'WrongState'
        if (actor !== task.worker) return 'NotWorker'
        if (t > task.dueAt) return 'TooLate'
        const global = this.stake.has(actor)
        if (!global && !this.trusted.has(actor)) return 'NotRegistered'
        const collateral = global ? collateralOf(task.price) : 0n
        if (collateral > 0n) {
          const stake = get(this.stake, actor)
          const locked = get(this.locked, actor)
          const free = stake > locked ? stake - locked : 0n
          if (collateral > free) return 'InsufficientStake'
          add(this.locked, actor, collateral)
          task.collateralized = true
        }
        this.openTasks.set(actor, (this.openTasks.get(actor) ?? 0) + 1)
        task.state = TaskState.Accepted
        return null
      }
      case 'commitResult': {
        const task = this.#task(a.taskId)
        if (task.state !== TaskState.Accepted) return 'WrongState'
        if (actor !== task.worker) return 'NotWorker'
        if (t > task.dueAt) return 'TooLate'
        task.state = TaskState.Committed
        task.dueAt = t + CHALLENGE_WINDOW
        return null
      }
      case 'acceptResult': {
        const task = this.#task(a.taskId)
        if (actor !== requesterOfTask(a.taskId)) return 'NotRequester'
        if (task.state !== TaskState.Committed) return 'WrongState'
        this.#release(a.taskId, task)
        return null
      }
      case 'challenge': {
        const task = this.#task(a.taskId)
        if (actor !== requesterOfTask(a.taskId)) return 'NotRequester'
        if (task.state !== TaskState.Committed) return 'WrongState'
        if (t >= task.dueAt) return 'TooLate'
        task.state = TaskState.Challenged
        task.dueAt = t + DISPUTE_WINDOW
        return null
      }
      case 'release': {
        const task = this.#task(a.taskId)
        if (task.state !== TaskState.Committed) return 'WrongState'
        if (t < task.dueAt) return 'TooEarly'
        this.#release(a.taskId, task)
        return null
      }
      case 'settleBatch': {
        for (const id of a.taskIds) {
          const task = this.#task(id)
          if (task.state !== TaskState.Committed) continue
          if (t < task.dueAt && actor !== requesterOfTask(id)) continue
          this.#release(id, task)
        }
        return null
      }
      case 'vote': {
        const task = this.#task(a.taskId)
        if (task.state !== TaskState.Challenged) return 'WrongState'
        if (t >= task.dueAt) return 'TooLate'
        if (!this.trusted.has(actor)) return 'NotValidator'
        if (actor === task.worker || actor === requesterOfTask(a.taskId)) return 'NotValidator'
        if (task.voters.has(actor)) return 'AlreadyVoted'
        task.voters.add(actor)
        if (a.correct) {
          if (++task.up >= QUORUM) this.#release(a.taskId, task)
        } else if (++task.down >= QUORUM) {
          this.#unwind(a.taskId, task, TaskState.Rejected)
        }
        return null
      }
      case 'resolveDispute': {
        const task = this.#task(a.taskId)
        if (task.state !== TaskState.Challenged) return 'WrongState'
        if (t < task.dueAt) return 'TooEarly'
        if (task.down > task.up) this.#unwind(a.taskId, task, TaskState.Rejected)
        else this.#release(a.taskId, task)
        return null
      }
      case 'expireTask': {
        const task = this.#task(a.taskId)
        if (task.state !== TaskState.Assigned && task.state !== TaskState.Accepted) return 'WrongState'
        if (t <= task.dueAt) return 'TooEarly'
        this.#unwind(a.taskId, task, TaskState.Expired)
        return null
      }
      case 'settlePartial': {
        const task = this.#task(a.taskId)
        if (actor !== requesterOfTask(a.taskId)) return 'NotRequester'
        if (task.state !== TaskState.Accepted) return 'WrongState'
        if (a.payout === 0n) return 'ZeroAmount'
        if (a.payout > task.price) return 'PayoutAbovePrice'
        this.#settlePartial(a.taskId, task, a.payout)
        return null
      }
      case 'refundUnspent': {
        const job = this.jobs.get(a.jobId)
        if (job === undefined) return 'UnknownJob'
        const requester = requesterOfJob(a.jobId)
        if (actor !== requester && t <= job.deadline) return 'NotRequester'
        if (job.available === 0n) return 'ZeroAmount'
        add(this.withdrawable, requester, job.available)
        job.available = 0n
        return null
      }
      case 'withdraw': {
        if (a.amount === 0n) return 'ZeroAmount'
        if (a.amount > get(this.withdrawable, actor)) return 'InsufficientBalance'
        add(this.withdrawable, actor, -a.amount)
        add(this.tokens, actor, a.amount)
        return null
      }
      case 'withdrawFees': {
        if (actor !== this.treasury) return 'NotTreasury'
        if (this.fees === 0n) return 'ZeroAmount'
        add(this.tokens, actor, this.fees)
        this.fees = 0n
        return null
      }
    }
  }

  /** A task the model knows, or a blank one in state None (an id the market never issued). */
  #task(taskId: bigint): ModelTask {
    return (
      this.tasks.get(taskId) ?? {
        worker: '',
        price: 0n,
        state: TaskState.None,
        dueAt: 0,
        collateralized: false,
        up: 0,
        down: 0,
        voters: new Set()
      }
    )
  }

  #release(taskId: bigint, task: ModelTask): void {
    if (this.paid.has(taskId)) throw new Error(`model paid task ${taskId} twice`)
    this.paid.add(taskId)
    const fee = (task.price * FEE_BPS) / 10_000n
    add(this.withdrawable, task.worker, task.price - fee)
    if (task.collateralized) add(this.locked, task.worker, -collateralOf(task.price))
    this.openTasks.set(task.worker, (this.openTasks.get(task.worker) ?? 0) - 1)
    this.fees += fee
    task.state = TaskState.Released
  }

  /** Pays `payout` (> 0) of an accepted task; the rest of the price to the job, collateral unlocked. */
  #settlePartial(taskId: bigint, task: ModelTask, payout: bigint): void {
    if (this.paid.has(taskId)) throw new Error(`model paid task ${taskId} twice`)
    this.paid.add(taskId)
    const fee = (payout * FEE_BPS) / 10_000n
    add(this.withdrawable, task.worker, payout - fee)
    this.fees += fee
    this.jobs.get(taskId >> 32n)!.available += task.price - payout
    this.openTasks.set(task.worker, (this.openTasks.get(task.worker) ?? 0) - 1)
    if (task.collateralized) add(this.locked, task.worker, -collateralOf(task.price))
    task.state = TaskState.PartlyPaid
  }

  #unwind(taskId: bigint, task: ModelTask, final: bigint): void {
    const job = this.jobs.get(taskId >> 32n)!
    job.available += task.price
    if (task.state !== TaskState.Assigned) {
      this.openTasks.set(task.worker, (this.openTasks.get(task.worker) ?? 0) - 1)
    }
    if (task.collateralized) {
      const c = collateralOf(task.price)
      add(this.locked, task.worker, -c)
      add(this.stake, task.worker, -c)
      add(this.withdrawable, requesterOfTask(taskId), c)
    }
    task.state = final
  }
}

export function collateralOf(price: bigint): bigint {
  return (price * COLLATERAL_BPS) / 10_000n
}

export function isOpen(state: bigint): boolean {
  return state >= TaskState.Assigned && state <= TaskState.Challenged
}

function get(map: Map<string, bigint>, key: string): bigint {
  return map.get(key) ?? 0n
}

function add(map: Map<string, bigint>, key: string, delta: bigint): void {
  map.set(key, get(map, key) + delta)
}
