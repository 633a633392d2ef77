import type { Signer } from 'ethers'
import type { Logger } from '../protocols/common/logger.js'
import { silentLogger } from '../protocols/common/logger.js'
import { DeployError } from './errors.js'
import { confirmed } from './tx.js'
import { deployJobMarket, type JobMarketContract, type MarketConfigInput } from './types/JobMarket.js'
import { connectRynusToken, deployRynusToken, type RynusTokenContract } from './types/RynusToken.js'
import { deployWorkerRegistry, type WorkerRegistryContract } from './types/WorkerRegistry.js'

export interface MarketConfig {
  /** Protocol fee on each paid task, basis points (at most 1000). */
  feeBps: number
  /** Collateral a global-tier worker locks per task, basis points of the price. */
  collateralBps: number
  /** Seconds a requester has to challenge a committed result. */
  challengeWindow: number
  /** Seconds validators have to vote on a challenge. */
  disputeWindow: number
  /** Matching validator votes that decide a dispute. */
  quorum: number
}

export const DEFAULT_MARKET_CONFIG: MarketConfig = {
  feeBps: 100,
  collateralBps: 2_000,
  challengeWindow: 60 * 60,
  disputeWindow: 24 * 60 * 60,
  quorum: 2
}

export const DEFAULT_UNBONDING_DELAY = 7 * 24 * 60 * 60

export interface DeployOptions {
  /** Owner of the registry and market (sets tiers and the treasury). Default: the deployer. */
  governance?: string
  /** Receives protocol fees. Default: governance. */
  treasury?: string
  /** Settle in an existing ERC-20 at this address instead of deploying RynusToken. */
  token?: string
  unbondingDelay?: number
  market?: Partial<MarketConfig>
  logger?: Logger
}

export interface RynusAddresses {
  chainId: number
  token: string
  registry: string
  market: string
  /** Block of the market's deployment: where an event follower starts. */
  deployBlock: number
}

export interface RynusDeployment {
  token: RynusTokenContract
  registry: WorkerRegistryContract
  market: JobMarketContract
  addresses: RynusAddresses
  config: MarketConfig
}

/**
 * Deploys token (unless given), registry and market from `signer` and wires the registry to the
 * market. When `governance` is another account, ownership of registry and market is offered to
 * it (Ownable2Step): it must call `acceptOwnership()` on both.
 */
export async function deployRynus(signer: Signer, opts: DeployOptions = {}): Promise<RynusDeployment> {
  const log = (opts.logger ?? silentLogger).child('deploy')
  const provider = signer.provider
  if (provider === null)
    throw new DeployError('the deploying signer has no provider; connect it to the chain first')
  const deployer = await signer.getAddress()
  const governance = opts.governance ?? deployer
  const config: MarketConfig = { ...DEFAULT_MARKET_CONFIG, ...opts.market }
  try {
    const token =
      opts.token === undefined
        ? await deployRynusToken(signer, deployer)
        : connectRynusToken(opts.token, signer)
    const tokenAddress = await token.getAddress()
    const registry = await deployWorkerRegistry(
      signer,
      tokenAddress,
      opts.unbondingDelay ?? DEFAULT_UNBONDING_DELAY,
      deployer
    )
    const registryAddress = await registry.getAddress()
    const marketConfig: MarketConfigInput = { ...config }
    const market = await deployJobMarket(
      signer,
      tokenAddress,
      registryAddress,
      opts.treasury ?? governance,
      marketConfig,
      governance
    )
    const marketAddress = await market.getAddress()
    await confirmed(registry.setMarket(marketAddress))
    if (governance !== deployer) await confirmed(registry.transferOwnership(governance))
    const deployment = market.deploymentTransaction()
    const receipt = deployment === null ? null : await confirmed(deployment)
    const { chainId } = await provider.getNetwork()
    const addresses: RynusAddresses = {
      chainId: Number(chainId),
      token: tokenAddress,
      registry: registryAddress,
      market: marketAddress,
      deployBlock: receipt?.blockNumber ?? (await provider.getBlockNumber())
    }
    log.info('rynus contracts deployed', { ...addresses })
    return { token, registry, market, addresses, config }
  } catch (err) {
    if (err instanceof DeployError) throw err
    throw new DeployError(
      `deploying the Rynus contracts failed: ${err instanceof Error ? err.message : String(err)}. Check the RPC URL and that the deployer has gas.`,
      { cause: err }
    )
  }
}
