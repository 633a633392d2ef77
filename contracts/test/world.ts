import { type ContractTransactionResponse, id, type Wallet } from 'ethers'
import type { DeployOptions, RynusDeployment } from '../deploy.js'
import { jobIdOf, taskIdOf } from '../ids.js'
import type { JobMarketContract } from '../types/JobMarket.js'
import { type Chain, deployForTest, mined, now, ONE } from './fixture.js'

export const TIER_GLOBAL = 0
export const TIER_TRUSTED = 1
export const STAKE = 100n * ONE
export const PRICE = 10n * ONE

/** A deployed market with its cast: requesters with tokens, registered workers, validators. */
export interface World {
  chain: Chain
  d: RynusDeployment
  market: JobMarketContract
  gov: Wallet
  treasury: Wallet
  requester: Wallet
  requester2: Wallet
  /** global tier, staked STAKE */
  worker: Wallet
  /** global tier, staked STAKE */
  worker2: Wallet
  /** trusted tier, no stake */
  partner: Wallet
  /** trusted-tier validators */
  v1: Wallet
  v2: Wallet
  v3: Wallet
  stranger: Wallet
  /** Creates a job for `who` (budget approved first) and returns its id. */
  newJob(who?: Wallet, budget?: bigint, deadlineIn?: number): Promise<bigint>
  /** Adds a task to `jobId` for `worker` and returns its id. */
  newTask(jobId: bigint, worker: Wallet, price?: bigint, dueIn?: number): Promise<bigint>
  /** A task of a fresh job, taken through the given steps. */
  taskAt(
    stage: 'assigned' | 'accepted' | 'committed' | 'challenged',
    worker?: Wallet,
    price?: bigint
  ): Promise<bigint>
  send(tx: Promise<ContractTransactionResponse>): Promise<void>
}

export async function buildWorld(chain: Chain, opts: DeployOptions = {}): Promise<World> {
  const [gov, treasury, requester, requester2, worker, worker2, partner, v1, v2, v3, stranger] =
    chain.wallets as [Wallet, Wallet, Wallet, Wallet, Wallet, Wallet, Wallet, Wallet, Wallet, Wallet, Wallet]
  const d = await deployForTest(chain, { treasury: treasury.address, ...opts })
  const { token, registry, market } = d
  const send = async (tx: Promise<ContractTransactionResponse>): Promise<void> => {
    await mined(tx)
  }
  for (const w of [requester, requester2]) await send(token.mint(w.address, 10_000n * ONE))
  for (const w of [worker, worker2, partner, v1, v2, v3]) {
    await send(registry.connect(w).register(peerIdOf(w.address), '0x'))
  }
  for (const w of [worker, worker2]) {
    await send(token.mint(w.address, STAKE))
    await send(token.connect(w).approve(d.addresses.registry, STAKE))
    await send(registry.connect(w).stake(STAKE))
  }
  for (const w of [partner, v1, v2, v3]) await send(registry.setTier(w.address, TIER_TRUSTED))

  let nonce = 0n
  const newJob = async (who = requester, budget = 100n * ONE, deadlineIn = 10_000): Promise<bigint> => {
    await send(token.connect(who).approve(d.addresses.market, budget))
    const n = ++nonce
    await send(market.connect(who).createJob(n, budget, (await now(chain)) + deadlineIn))
    return jobIdOf(who.address, n)
  }
  const newTask = async (jobId: bigint, w: Wallet, price = PRICE, dueIn = 1_000): Promise<bigint> => {
    const index = (await market.getJob(jobId)).taskCount
    const who = chain.wallets.find((x) => BigInt(x.address) === jobId >> 64n)!
    await send(market.connect(who).addTask(jobId, index, w.address, price, (await now(chain)) + dueIn))
    return taskIdOf(jobId, index)
  }
  const taskAt: World['taskAt'] = async (stage, w = worker, price = PRICE) => {
    const taskId = await newTask(await newJob(), w, price)
    if (stage === 'assigned') return taskId
    await send(market.connect(w).acceptTask(taskId))
    if (stage === 'accepted') return taskId
    await send(market.connect(w).commitResult(taskId, digestOf(taskId)))
    if (stage === 'committed') return taskId
    await send(market.connect(requester).challenge(taskId))
    return taskId
  }
  return {
    chain,
    d,
    market,
    gov,
    treasury,
    requester,
    requester2,
    worker,
    worker2,
    partner,
    v1,
    v2,
    v3,
    stranger,
    newJob,
    newTask,
    taskAt,
    send
  }
}

/** A stand-in libp2p Ed25519 peer id (identity multihash of a protobuf public key): 38 bytes. */
export function peerIdOf(address: string): string {
  return `0x002408011220${id(address).slice(2)}`
}

export function digestOf(taskId: bigint): string {
  return id(`result of ${taskId}`)
}
