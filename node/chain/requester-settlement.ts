import { createHash } from 'node:crypto'
import { peerIdFromString } from '@libp2p/peer-id'
import { getAddress, ZeroAddress } from 'ethers'
import { verifyWorkerBinding } from '../../contracts/binding.js'
import { jobIdOf, jobOfTask, requesterOfTask, taskIdOf } from '../../contracts/ids.js'
import { TaskState } from '../../contracts/types/JobMarket.js'
import type { Logger } from '../../protocols/common/logger.js'
import { silentLogger } from '../../protocols/common/logger.js'
import { SerialQueue } from '../../storage/repos/serial-queue.js'
import { type Balances, balancesOf, withdrawFrom } from './account.js'
import type { ChainClient } from './client.js'
import { MAX_BATCH } from './constants.js'
import { digestPrefix, jobNonceOf, type ResultOutput, resultDigest } from './digest.js'
import { ChainRevertError, SettlementMismatchError, WorkerNotRegisteredError } from './errors.js'
import type { SettlementStore } from './store.js'

export interface AcceptOutcome {
  /** Tasks this call paid. */
  accepted: bigint[]
  /** Tasks not payable now: already paid, not committed yet, or ended otherwise. */
  skipped: bigint[]
}

/** An award's task on chain as the requester priced it. */
export interface AwardTerms {
  id: bigint
  pricePerUnit: bigint
  units: number
  /** Unix ms when the task was added. */
  addedAt: number
}

/**
 * The requester's side of settlement: escrow a job's budget, add a task per award, pay verified
 * results in batches, expire overdue tasks, take back unspent budget. Every method is
 * idempotent: called again (after a crash, a restart, a replaced transaction) it finds what is
 * already on chain and returns the same ids without paying again.
 */
export class RequesterSettlement {
  private readonly client: ChainClient
  private readonly store: SettlementStore
  private readonly log: Logger
  private readonly escrows = new SerialQueue()
  private readonly workers = new Map<string, string>()

  constructor(deps: { client: ChainClient; store?: SettlementStore; logger?: Logger }) {
    this.client = deps.client
    this.store = deps.store ?? deps.client.store
    this.log = (deps.logger ?? silentLogger).child('requester-settlement')
  }

  /** The chain job id of a job CID for this requester (no chain access). */
  chainJobIdOf(jobCid: string): bigint {
    return jobIdOf(this.client.address, jobNonceOf(jobCid))
  }

  /**
   * Escrows `budget` for the job: approves exactly the budget, then `createJob` under the id
   * derived from the CID. When the job already exists (an earlier run, a resent transaction) and
   * has the same deadline, returns its id without paying again.
   */
  async escrowJob(jobCid: string, budget: bigint, deadlineMs: number): Promise<bigint> {
    const nonce = jobNonceOf(jobCid)
    const jobId = jobIdOf(this.client.address, nonce)
    const deadline = BigInt(Math.floor(deadlineMs / 1000))
    // one escrow at a time: each approval is exactly one budget
    return this.escrows.run('escrow', async () => {
      if (await this.jobExists(jobId, deadline, jobCid)) return jobId
      const { market, token } = this.client
      // the key names the allowance it replaces, so a retry in the same state finds its own
      // approval, and an allowance another escrow used up meanwhile is approved again
      const allowance = await token.allowance(this.client.address, this.client.config.market)
      if (allowance !== budget) {
        await this.client.send(`escrow:${jobCid}:approve:${allowance}`, () =>
          token.approve.populateTransaction(this.client.config.market, budget)
        )
      }
      try {
        await this.client.send(`escrow:${jobCid}`, () =>
          market.createJob.populateTransaction(nonce, budget, deadline)
        )
      } catch (err) {
        if (!(err instanceof ChainRevertError && err.reason === 'JobExists')) throw err
        if (!(await this.jobExists(jobId, deadline, jobCid))) throw err
      }
      await this.store.putJob(jobCid, jobId)
      this.log.info('job escrowed', { jobCid, chainJobId: jobId.toString(), budget: budget.toString() })
      return jobId
    })
  }

  /**
   * Adds task `index` of the job for the worker bound to `workerPeerId`, priced
   * pricePerUnit × units, due by `dueAtMs`. Returns the chain task id; the same call again
   * returns it without adding twice.
   */
  async addTask(
    chainJobId: bigint,
    index: number,
    workerPeerId: string,
    pricePerUnit: bigint,
    units: number,
    dueAtMs: number
  ): Promise<bigint> {
    const worker = await this.workerAddressOf(workerPeerId)
    const price = pricePerUnit * BigInt(units)
    const taskId = taskIdOf(chainJobId, index)
    const dueAt = BigInt(Math.floor(dueAtMs / 1000))
    if (await this.taskExists(taskId, worker, price)) return taskId
    try {
      await this.client.send(`task:${taskId}:add`, () =>
        this.client.market.addTask.populateTransaction(chainJobId, index, worker, price, dueAt)
      )
    } catch (err) {
      if (!(err instanceof ChainRevertError && err.reason === 'TaskExists')) throw err
      if (!(await this.taskExists(taskId, worker, price))) throw err
    }
    this.log.info('task added', { chainTaskId: taskId.toString(), worker, price: price.toString() })
    return taskId
  }

  /** Keeps what this requester priced for one award (key `<jobCid>/<taskId>/<workerPeerId>`), synced to disk. */
  async rememberAward(key: string, award: AwardTerms): Promise<void> {
    await this.store.putAward(key, {
      id: award.id.toString(),
      pricePerUnit: award.pricePerUnit.toString(),
      units: award.units,
      addedAt: award.addedAt
    })
  }

  /** An award kept by `rememberAward`, or undefined. */
  async awardOf(key: string): Promise<AwardTerms | undefined> {
    const record = await this.store.award(key)
    if (record === undefined) return undefined
    return {
      id: BigInt(record.id),
      pricePerUnit: BigInt(record.pricePerUnit),
      units: record.units,
      addedAt: record.addedAt
    }
  }

  async forgetAward(key: string): Promise<void> {
    await this.store.deleteAward(key)
  }

  /** Withdraws a task its worker has not accepted yet; its price returns to the job. False when it is past that. */
  async cancelTask(chainTaskId: bigint): Promise<boolean> {
    const task = await this.client.market.getTask(chainTaskId)
    if (task.state === TaskState.Cancelled) return true
    if (task.state !== TaskState.Assigned) return false
    await this.client.send(`task:${chainTaskId}:cancel`, () =>
      this.client.market.cancelTask.populateTransaction(chainTaskId)
    )
    return true
  }

  /**
   * Ends an accepted task whose worker stopped part-way (`settlePartial`): pays `payout`, the
   * delivered part of the price (clamped to the price), minus the fee; the rest returns to the
   * job and the unpaid share of the worker's collateral is slashed to this requester. True when
   * the task is settled so (now or earlier: the ledger key is per task, so a retry or a restart
   * never pays twice); false when it is not in Accepted (committed, expired, cancelled…) and the
   * caller should take another path.
   */
  async settlePartial(chainTaskId: bigint, payout: bigint): Promise<boolean> {
    const { market } = this.client
    const task = await market.getTask(chainTaskId)
    if (task.state === TaskState.PartlyPaid) return true
    if (task.state !== TaskState.Accepted) return false
    const amount = payout > task.price ? task.price : payout < 0n ? 0n : payout
    try {
      await this.client.send(`task:${chainTaskId}:partial`, () =>
        market.settlePartial.populateTransaction(chainTaskId, amount)
      )
    } catch (err) {
      // the worker committed (or the task expired) in between: the caller decides again
      if (err instanceof ChainRevertError && err.reason === 'WrongState')
        return (await market.getTask(chainTaskId)).state === TaskState.PartlyPaid
      throw err
    }
    this.log.info('task paid in part', {
      chainTaskId: chainTaskId.toString(),
      payout: amount.toString(),
      price: task.price.toString()
    })
    return true
  }

  /** Whether the digest the worker committed for the task matches these outputs. */
  async committedDigestMatches(chainTaskId: bigint, outputs: readonly ResultOutput[]): Promise<boolean> {
    const task = await this.client.market.getTask(chainTaskId)
    return task.digest.toLowerCase() === digestPrefix(resultDigest(outputs))
  }

  /**
   * Pays the committed tasks among `chainTaskIds` now (the requester need not wait for the
   * challenge window), MAX_BATCH per `settleBatch` transaction. Tasks already paid or not
   * committed are skipped, so calling again never pays twice.
   */
  async acceptResults(chainTaskIds: bigint[]): Promise<AcceptOutcome> {
    const accepted: bigint[] = []
    const skipped: bigint[] = []
    for (const taskId of [...new Set(chainTaskIds)]) {
      if (requesterOfTask(taskId) !== getAddress(this.client.address)) skipped.push(taskId)
      else if ((await this.client.market.getTask(taskId)).state === TaskState.Committed) accepted.push(taskId)
      else skipped.push(taskId)
    }
    for (let i = 0; i < accepted.length; i += MAX_BATCH) {
      const batch = accepted.slice(i, i + MAX_BATCH)
      await this.client.send(`accept:${batchKey(batch)}`, () =>
        this.client.market.settleBatch.populateTransaction(batch)
      )
    }
    if (accepted.length > 0) this.log.info('results accepted', { tasks: accepted.length })
    return { accepted, skipped }
  }

  /**
   * Disputes a committed result within its challenge window (the outputs failed verification);
   * validators decide. False when the task is not committed or already challenged.
   */
  async challengeResult(chainTaskId: bigint): Promise<boolean> {
    const task = await this.client.market.getTask(chainTaskId)
    if (task.state === TaskState.Challenged) return true
    if (task.state !== TaskState.Committed) return false
    await this.client.send(`task:${chainTaskId}:challenge`, () =>
      this.client.market.challenge.populateTransaction(chainTaskId)
    )
    this.log.info('result challenged', { chainTaskId: chainTaskId.toString() })
    return true
  }

  /**
   * Ends tasks whose worker missed the deadline (`expireTask`): the price returns to the job and
   * a global-tier worker's collateral is slashed to this requester. Returns the tasks expired.
   */
  async expireOverdue(chainTaskIds: bigint[]): Promise<bigint[]> {
    const now = BigInt(await this.client.estimatedTime())
    const expired: bigint[] = []
    for (const taskId of chainTaskIds) {
      const task = await this.client.market.getTask(taskId)
      if (task.state === TaskState.Expired) {
        expired.push(taskId)
        continue
      }
      if (task.state !== TaskState.Assigned && task.state !== TaskState.Accepted) continue
      if (now <= task.dueAt) continue
      try {
        await this.client.send(`task:${taskId}:expire`, () =>
          this.client.market.expireTask.populateTransaction(taskId)
        )
      } catch (err) {
        // the next block may still be at dueAt; it is expired on a later call
        if (err instanceof ChainRevertError && err.reason === 'TooEarly') continue
        throw err
      }
      expired.push(taskId)
      this.log.info('task expired', { chainTaskId: taskId.toString() })
    }
    return expired
  }

  /** Moves the job's unreserved budget to this requester's withdrawable balance; returns the amount. */
  async refundUnspent(chainJobId: bigint): Promise<bigint> {
    const job = await this.client.market.getJob(chainJobId)
    if (job.available === 0n) return 0n
    try {
      await this.client.send(`job:${chainJobId}:refund:${job.available}:${Date.now()}`, () =>
        this.client.market.refundUnspent.populateTransaction(chainJobId)
      )
    } catch (err) {
      if (err instanceof ChainRevertError && err.reason === 'ZeroAmount') return 0n
      throw err
    }
    this.log.info('unspent budget refunded', {
      chainJobId: chainJobId.toString(),
      amount: job.available.toString()
    })
    return job.available
  }

  balances(): Promise<Balances> {
    return balancesOf(this.client)
  }

  /** Withdraws `amount` (default: everything withdrawable) to the wallet; returns what was withdrawn. */
  withdraw(amount?: bigint): Promise<bigint> {
    return withdrawFrom(this.client, amount)
  }

  /**
   * The address bound to the worker's peer id in the registry, trusted only when the peer key's
   * binding signature (kept in the WorkerBound event) verifies.
   */
  async workerAddressOf(workerPeerId: string): Promise<string> {
    const cached = this.workers.get(workerPeerId)
    if (cached !== undefined) return cached
    const peerBytes = peerIdFromString(workerPeerId).toMultihash().bytes
    const worker = await this.client.registry.workerOfPeer(peerBytes)
    if (worker === ZeroAddress) throw new WorkerNotRegisteredError(workerPeerId)
    const bound = await this.client.registry.queryFilter(
      this.client.registry.filters.WorkerBound(worker),
      this.client.config.deployBlock
    )
    const last = bound.at(-1)
    const args =
      last !== undefined && 'args' in last ? (last.args as unknown as [string, string, string]) : undefined
    const domain = { chainId: this.client.config.chainId, registry: this.client.config.registry }
    if (
      args === undefined ||
      args[1].toLowerCase() !== `0x${Buffer.from(peerBytes).toString('hex')}` ||
      !(await verifyWorkerBinding(peerBytes, Buffer.from(args[2].slice(2), 'hex'), domain, worker))
    ) {
      throw new WorkerNotRegisteredError(
        workerPeerId,
        `is bound to ${worker} without a valid peer-key signature`
      )
    }
    this.workers.set(workerPeerId, worker)
    return worker
  }

  private async jobExists(jobId: bigint, deadline: bigint, jobCid: string): Promise<boolean> {
    const job = await this.client.market.getJob(jobId)
    if (job.deadline === 0n) return false
    if (job.deadline !== deadline) {
      throw new SettlementMismatchError(
        `job ${jobCid} is already escrowed as ${jobId} with deadline ${job.deadline}, not ${deadline}; a job CID is escrowed once — submit the job again to get a new CID`
      )
    }
    await this.store.putJob(jobCid, jobId)
    return true
  }

  private async taskExists(taskId: bigint, worker: string, price: bigint): Promise<boolean> {
    const task = await this.client.market.getTask(taskId)
    if (task.state === TaskState.None) return false
    if (getAddress(task.worker) !== getAddress(worker) || task.price !== price) {
      throw new SettlementMismatchError(
        `task ${taskId} of job ${jobOfTask(taskId)} is already on chain for ${task.worker} at ${task.price}, not ${worker} at ${price}; use a new task index for each award`
      )
    }
    return true
  }
}

/** A short stable name for a set of task ids. */
function batchKey(ids: bigint[]): string {
  const text = [...ids].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)).join(',')
  return `${ids.length}:${createHash('sha256').update(text).digest('hex').slice(0, 16)}`
}
