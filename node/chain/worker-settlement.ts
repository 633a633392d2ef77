import type { PrivateKey } from '@libp2p/interface'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { getAddress, hexlify } from 'ethers'
import { signWorkerBinding } from '../../contracts/binding.js'
import { jobOfTask } from '../../contracts/ids.js'
import { TaskState } from '../../contracts/types/JobMarket.js'
import type { Logger } from '../../protocols/common/logger.js'
import { silentLogger } from '../../protocols/common/logger.js'
import { type Balances, balancesOf, withdrawFrom } from './account.js'
import type { ChainClient } from './client.js'
import { digestPrefix, type ResultOutput, resultDigest } from './digest.js'
import { ChainError, SettlementMismatchError } from './errors.js'
import type { SettlementStore } from './store.js'

/** What the worker agreed to in the award, checked against the task on chain before accepting it. */
export interface TaskExpectation {
  /** Price of the whole task (price per unit × units), base units. */
  priceTotal: bigint
  /** The chain job id the offer named. */
  jobId: bigint
}

/**
 * The worker's side of settlement: bind the peer id to the wallet and stake at start, accept
 * awarded tasks on chain (locking collateral), commit result digests, withdraw earnings. Every
 * method is idempotent by the state on chain.
 */
export class WorkerSettlement {
  private readonly client: ChainClient
  private readonly log: Logger

  constructor(deps: { client: ChainClient; store?: SettlementStore; logger?: Logger }) {
    this.client = deps.client
    this.log = (deps.logger ?? silentLogger).child('worker-settlement')
  }

  get address(): string {
    return this.client.address
  }

  /** Binds this node's peer id to its wallet in the registry, unless it already is. */
  async ensureRegistered(peerPrivateKey: PrivateKey): Promise<void> {
    const { registry, config } = this.client
    const peerId = peerIdFromPrivateKey(peerPrivateKey)
    const peerBytes = hexlify(peerId.toMultihash().bytes)
    const [record, bound] = await registry.getWorker(this.address)
    if (record.registered && bound.toLowerCase() === peerBytes.toLowerCase()) return
    const binding = await signWorkerBinding(
      peerPrivateKey,
      { chainId: config.chainId, registry: config.registry },
      this.address
    )
    await this.client.send(`register:${peerId.toString()}`, () =>
      registry.register.populateTransaction(binding.peerId, binding.signature)
    )
    this.log.info('worker registered', { peerId: peerId.toString(), address: this.address })
  }

  /** Tops the registry stake up to `minimum` from the wallet's tokens (approve + stake). */
  async ensureStake(minimum: bigint): Promise<void> {
    const { stake_ } = await this.client.registry.workerInfo(this.address)
    if (stake_ >= minimum) return
    await this.stake(minimum - stake_)
  }

  /** Adds `amount` to the registry stake (approve exactly it, then stake). */
  async stake(amount: bigint): Promise<void> {
    const { registry, token, config } = this.client
    const tokens = await token.balanceOf(this.address)
    if (tokens < amount) {
      throw new ChainError(
        `staking ${amount} needs that many tokens in the wallet ${this.address}, which holds ${tokens}; fund it`
      )
    }
    const { registered, stake_ } = await registry.workerInfo(this.address)
    if (!registered) {
      throw new ChainError(
        `${this.address} is not registered as a worker yet; start the node with the worker role (it registers itself), then stake`
      )
    }
    const key = `stake:${stake_}+${amount}`
    await this.client.send(`${key}:approve`, () => token.approve.populateTransaction(config.registry, amount))
    await this.client.send(key, () => registry.stake.populateTransaction(amount))
    this.log.info('stake added', { amount: amount.toString() })
  }

  /**
   * Accepts an awarded task on chain after checking it is this worker's, at the agreed price,
   * in the agreed job and still open. Accepting an already accepted task is a no-op.
   */
  async acceptTask(chainTaskId: bigint, expect: TaskExpectation): Promise<void> {
    const { market } = this.client
    const task = await market.getTask(chainTaskId)
    if (task.state === TaskState.None) {
      throw new SettlementMismatchError(`task ${chainTaskId} is not on chain; the requester has not added it`)
    }
    if (getAddress(task.worker) !== getAddress(this.address)) {
      throw new SettlementMismatchError(
        `task ${chainTaskId} is assigned to ${task.worker}, not to this worker ${this.address}`
      )
    }
    if (task.price !== expect.priceTotal || jobOfTask(chainTaskId) !== expect.jobId) {
      throw new SettlementMismatchError(
        `task ${chainTaskId} pays ${task.price} in job ${jobOfTask(chainTaskId)}, but the award said ${expect.priceTotal} in job ${expect.jobId}; not accepting it`
      )
    }
    if (task.state === TaskState.Accepted || task.state === TaskState.Committed) return
    if (task.state !== TaskState.Assigned) {
      throw new SettlementMismatchError(
        `task ${chainTaskId} can no longer be accepted (state ${stateName(task.state)})`
      )
    }
    await this.client.send(`task:${chainTaskId}:accept`, () =>
      market.acceptTask.populateTransaction(chainTaskId)
    )
    this.log.info('task accepted on chain', { chainTaskId: chainTaskId.toString() })
  }

  /** Commits the digest of the task's outputs (see resultDigest); returns the digest. */
  async commitResult(chainTaskId: bigint, outputs: readonly ResultOutput[]): Promise<string> {
    const digest = resultDigest(outputs)
    const task = await this.client.market.getTask(chainTaskId)
    if (task.state !== TaskState.Accepted) {
      if (task.digest.toLowerCase() === digestPrefix(digest)) return digest
      throw new SettlementMismatchError(
        `task ${chainTaskId} cannot take a result now (state ${stateName(task.state)})`
      )
    }
    await this.client.send(`task:${chainTaskId}:commit`, () =>
      this.client.market.commitResult.populateTransaction(chainTaskId, digest)
    )
    this.log.info('result committed', { chainTaskId: chainTaskId.toString() })
    return digest
  }

  /** Withdraws `amount` (default: everything withdrawable) to the wallet; returns what was withdrawn. */
  withdraw(amount?: bigint): Promise<bigint> {
    return withdrawFrom(this.client, amount)
  }

  balances(): Promise<Balances> {
    return balancesOf(this.client)
  }
}

export function stateName(state: bigint): string {
  return Object.entries(TaskState).find(([, v]) => v === state)?.[0] ?? String(state)
}
