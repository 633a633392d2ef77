import {
  getAddress,
  JsonRpcProvider,
  type TransactionReceipt,
  type TransactionRequest,
  type Wallet
} from 'ethers'
import { connectJobMarket, type JobMarketContract } from '../../contracts/types/JobMarket.js'
import { connectRynusToken, type RynusTokenContract } from '../../contracts/types/RynusToken.js'
import { connectWorkerRegistry, type WorkerRegistryContract } from '../../contracts/types/WorkerRegistry.js'
import { describeError } from '../../protocols/common/errors.js'
import type { Logger } from '../../protocols/common/logger.js'
import { silentLogger } from '../../protocols/common/logger.js'
import type { NodeConfig } from '../config/config.js'
import { DEFAULT_POLL_MS } from './constants.js'
import { ChainError } from './errors.js'
import { EventFollower, type MarketListener } from './event-follower.js'
import type { MarketEvent, MarketEventName, MarketEventOf } from './market-events.js'
import type { ActionRecord, SettlementStore } from './store.js'
import { TransactionSender } from './tx-sender.js'

export type ChainConfig = NodeConfig['chain']

export interface ChainClientOptions {
  /** How often to poll for receipts and events (default 1 s). */
  pollMs?: number
}

/**
 * The node's connection to the settlement chain: a provider without request batching, the
 * wallet as signer with its own nonce tracking, the three contracts, `send` for every state
 * change (recorded in the ledger before and after, so nothing is paid twice), and the market
 * event follower.
 */
export class ChainClient {
  readonly config: ChainConfig
  readonly provider: JsonRpcProvider
  readonly signer: Wallet
  readonly address: string
  readonly token: RynusTokenContract
  readonly registry: WorkerRegistryContract
  readonly market: JobMarketContract
  readonly store: SettlementStore
  readonly events: EventFollower
  private readonly log: Logger
  private readonly pollMs: number
  private readonly sender: TransactionSender
  private readonly shutdown = new AbortController()
  private started = false

  constructor(
    config: ChainConfig,
    deps: { wallet: Wallet; store: SettlementStore; logger?: Logger },
    opts: ChainClientOptions = {}
  ) {
    this.config = config
    this.log = (deps.logger ?? silentLogger).child('chain')
    this.pollMs = opts.pollMs ?? DEFAULT_POLL_MS
    this.provider = new JsonRpcProvider(config.rpcUrl, config.chainId, {
      staticNetwork: true,
      batchMaxCount: 1,
      cacheTimeout: -1,
      pollingInterval: this.pollMs
    })
    this.signer = deps.wallet.connect(this.provider)
    this.address = this.signer.address
    this.store = deps.store
    this.token = connectRynusToken(config.token, this.signer)
    this.registry = connectWorkerRegistry(config.registry, this.signer)
    this.market = connectJobMarket(config.market, this.signer)
    this.sender = new TransactionSender(
      { chainId: config.chainId, confirmations: config.confirmations, pollMs: this.pollMs },
      {
        provider: this.provider,
        signer: this.signer,
        store: this.store,
        logger: this.log,
        signal: this.shutdown.signal,
        running: () => this.started && !this.shutdown.signal.aborted
      }
    )
    this.events = new EventFollower(
      {
        market: config.market,
        fromBlock: config.deployBlock,
        confirmations: config.confirmations,
        pollMs: this.pollMs
      },
      { provider: this.provider, store: this.store, logger: this.log.child('events') }
    )
  }

  /**
   * Checks that the RPC answers for the configured chain and that the contracts are there,
   * binds the ledger to this chain, resumes transactions a previous run left unconfirmed, and
   * starts following events.
   */
  async start(): Promise<void> {
    const { rpcUrl, chainId, market } = this.config
    let remoteId: bigint
    try {
      remoteId = BigInt(await this.provider.send('eth_chainId', []))
    } catch (err) {
      throw new ChainError(
        `cannot reach the chain at ${rpcUrl} (${describeError(err)}); check chain.rpcUrl and that the node is up`,
        { cause: err }
      )
    }
    if (remoteId !== BigInt(chainId)) {
      throw new ChainError(
        `${rpcUrl} is chain ${remoteId}, but chain.chainId says ${chainId}; fix the config`
      )
    }
    for (const [name, address] of [
      ['token', this.config.token],
      ['registry', this.config.registry],
      ['market', market]
    ] as const) {
      if ((await this.provider.getCode(address)) === '0x') {
        throw new ChainError(
          `no contract at chain.${name} ${address} on chain ${chainId}; was the chain reset? Update the addresses (a devnet writes them itself)`
        )
      }
    }
    const [marketToken, marketRegistry] = await Promise.all([this.market.token(), this.market.registry()])
    if (
      getAddress(marketToken) !== getAddress(this.config.token) ||
      getAddress(marketRegistry) !== getAddress(this.config.registry)
    ) {
      throw new ChainError(
        `the market ${market} settles in token ${marketToken} with registry ${marketRegistry}, not the configured ones; fix chain.token and chain.registry`
      )
    }
    const deployBlock = await this.provider.getBlock(this.config.deployBlock)
    if (deployBlock === null) {
      throw new ChainError(
        `chain.deployBlock ${this.config.deployBlock} is beyond the chain's head; fix the config`
      )
    }
    this.store.bind(`c${chainId}-${market.slice(2).toLowerCase()}-${deployBlock.hash?.slice(2, 18) ?? 'x'}`)
    this.started = true
    for (const [action, record] of await this.store.actions()) {
      if (record.state !== 'sent') continue
      this.log.info('resuming an unconfirmed transaction', { action, tx: record.txHash })
      this.sender.resume(action, record)
    }
    this.events.start()
    this.log.info('settlement chain connected', { rpcUrl, chainId, address: this.address })
  }

  async stop(): Promise<void> {
    this.shutdown.abort()
    await this.events.stop()
    await this.sender.idle()
    this.provider.destroy()
  }

  /** Listens to market events (see EventFollower.on). */
  on<N extends MarketEventName | '*'>(
    name: N,
    listener: MarketListener<N extends MarketEventName ? MarketEventOf<N> : MarketEvent>
  ): () => void {
    return this.events.on(name, listener)
  }

  /** Timestamp of the latest block (unix seconds). */
  async chainTime(): Promise<number> {
    const block = await this.provider.getBlock('latest')
    if (block === null) throw new ChainError('the chain returned no latest block')
    return block.timestamp
  }

  /**
   * The time the next block will at least have: the latest block's, or the wall clock when
   * that is later (an idle dev chain mines no blocks, so its latest timestamp lags). Deciding
   * with it is safe: a transaction sent too early is refused at estimation (TooEarly) or, for
   * settleBatch, skips what is not due — it never pays early.
   */
  async estimatedTime(): Promise<number> {
    return Math.max(await this.chainTime(), Math.floor(Date.now() / 1000))
  }

  /** What the ledger knows of an action. */
  action(key: string): Promise<ActionRecord | undefined> {
    return this.store.action(key)
  }

  /**
   * Performs `action` once: see TransactionSender.send. `build` returns the unsigned
   * transaction, e.g. `() => client.market.createJob.populateTransaction(nonce, budget, deadline)`.
   */
  send(action: string, build: () => Promise<TransactionRequest>): Promise<TransactionReceipt> {
    return this.sender.send(action, build)
  }
}
