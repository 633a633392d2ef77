import {
  getAddress,
  JsonRpcProvider,
  Transaction,
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
import { SerialQueue } from '../../storage/repos/serial-queue.js'
import type { NodeConfig } from '../config/config.js'
import { DEFAULT_POLL_MS, GAS_MARGIN_PERCENT, REBROADCAST_MS } from './constants.js'
import { ChainError, ChainRevertError, ChainStoppedError } from './errors.js'
import { EventFollower, type MarketListener } from './event-follower.js'
import type { MarketEvent, MarketEventName, MarketEventOf } from './market-events.js'
import { decodeRevert } from './revert.js'
import type { ActionRecord, SettlementStore } from './store.js'

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
  private readonly actions = new SerialQueue()
  private readonly nonces = new SerialQueue()
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
      void this.actions
        .run(action, () => this.follow(action, record))
        .catch((err: unknown) => {
          if (!(err instanceof ChainStoppedError))
            this.log.warn('resuming a transaction failed', { action, error: describeError(err) })
        })
    }
    this.events.start()
    this.log.info('settlement chain connected', { rpcUrl, chainId, address: this.address })
  }

  async stop(): Promise<void> {
    this.shutdown.abort()
    await this.events.stop()
    await this.actions.idle()
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
   * Performs `action` once: when the ledger already has its transaction, waits for that one
   * (broadcasting the same signed bytes again if the chain lost it) instead of sending another;
   * otherwise builds the transaction with `build`, estimates it (a contract refusal becomes a
   * ChainRevertError with the custom error's name), signs it, records it (fsync), broadcasts it
   * and waits for `confirmations` blocks. When the recorded transaction was replaced or
   * reverted, the action is rebuilt from the chain's current state.
   */
  async send(action: string, build: () => Promise<TransactionRequest>): Promise<TransactionReceipt> {
    return this.actions.run(action, async () => {
      for (let attempt = 0; attempt < 3; attempt++) {
        const known = await this.store.action(action)
        if (known !== undefined) {
          const receipt = await this.follow(action, known)
          if (receipt !== undefined) return receipt
        }
        this.checkRunning(action)
        const record = await this.broadcast(action, await build())
        const receipt = await this.follow(action, record)
        if (receipt !== undefined) return receipt
      }
      throw new ChainError(
        `${action}: its transaction was replaced or reverted three times; not trying again`
      )
    })
  }

  private checkRunning(action: string): void {
    if (!this.started || this.shutdown.signal.aborted) throw new ChainStoppedError(action)
  }

  /** Estimates, signs with the next nonce, records, broadcasts. */
  private async broadcast(action: string, request: TransactionRequest): Promise<ActionRecord> {
    let gas: bigint
    try {
      gas = await this.provider.estimateGas({ ...request, from: this.address })
    } catch (err) {
      throw this.refused(action, err)
    }
    // One signer at a time. The nonce is the chain's count of our transactions including
    // pending ones, so a transaction replaced or lost in a reorg never leaves a gap; a node that
    // lags behind our own last broadcast answers "nonce too low", and the next one is tried.
    return this.nonces.run('nonce', async () => {
      let nonce = await this.provider.getTransactionCount(this.address, 'pending')
      for (let retry = 0; ; retry++) {
        const tx = await this.signer.populateTransaction({
          ...request,
          from: this.address,
          nonce,
          gasLimit: (gas * GAS_MARGIN_PERCENT) / 100n,
          chainId: this.config.chainId
        })
        const raw = await this.signer.signTransaction(tx)
        const record: ActionRecord = {
          txHash: Transaction.from(raw).hash!,
          state: 'sent',
          at: Date.now(),
          nonce,
          raw
        }
        await this.store.putAction(action, record)
        try {
          await this.provider.broadcastTransaction(raw)
        } catch (err) {
          await this.store.deleteAction(action)
          const code = (err as { code?: unknown }).code
          if ((code === 'NONCE_EXPIRED' || code === 'REPLACEMENT_UNDERPRICED') && retry < 3) {
            nonce = Math.max(nonce + 1, await this.provider.getTransactionCount(this.address, 'pending'))
            continue
          }
          if (code === 'INSUFFICIENT_FUNDS') {
            throw new ChainError(
              `${action}: the wallet ${this.address} has too little ETH to pay for gas; fund it`,
              {
                cause: err
              }
            )
          }
          throw new ChainError(`${action}: the chain did not take the transaction (${describeError(err)})`, {
            cause: err
          })
        }
        this.log.debug('transaction sent', { action, tx: record.txHash, nonce })
        return record
      }
    })
  }

  /**
   * Waits for the recorded transaction. Returns its receipt once it has `confirmations`
   * blocks; undefined when it reverted or another transaction took its nonce (the ledger entry
   * is removed so the action is decided again).
   */
  private async follow(action: string, record: ActionRecord): Promise<TransactionReceipt | undefined> {
    let rebroadcastAt = 0
    for (;;) {
      this.checkRunning(action)
      const receipt = await this.provider.getTransactionReceipt(record.txHash)
      if (receipt !== null) {
        if (receipt.status !== 1) {
          this.log.warn('transaction reverted', { action, tx: record.txHash })
          await this.store.deleteAction(action)
          return undefined
        }
        if (record.state === 'confirmed') return receipt
        const head = await this.provider.getBlockNumber()
        if (head - receipt.blockNumber + 1 >= this.config.confirmations) {
          // the receipt read again after the wait: a reorg may have moved or dropped it
          const settled = await this.provider.getTransactionReceipt(record.txHash)
          if (settled?.blockHash === receipt.blockHash) {
            const { raw: _raw, ...rest } = record
            await this.store.putAction(action, {
              ...rest,
              state: 'confirmed',
              at: Date.now(),
              blockNumber: receipt.blockNumber
            })
            return receipt
          }
        }
      } else if ((await this.provider.getTransaction(record.txHash)) === null) {
        const used = await this.provider.getTransactionCount(this.address, 'latest')
        if (used > record.nonce) {
          if ((await this.provider.getTransactionReceipt(record.txHash)) !== null) continue
          this.log.warn('transaction replaced; deciding the action again from the chain', {
            action,
            tx: record.txHash
          })
          await this.store.deleteAction(action)
          return undefined
        }
        if (record.raw !== undefined && Date.now() >= rebroadcastAt) {
          rebroadcastAt = Date.now() + REBROADCAST_MS
          await this.provider.broadcastTransaction(record.raw).catch((err: unknown) => {
            this.log.debug('broadcasting again failed', { action, error: describeError(err) })
          })
        }
      }
      await this.sleep(this.pollMs)
    }
  }

  private refused(action: string, err: unknown): Error {
    const revert = decodeRevert(err)
    if (revert !== undefined) return new ChainRevertError(action, revert.name, revert.args, { cause: err })
    if ((err as { code?: unknown }).code === 'INSUFFICIENT_FUNDS') {
      return new ChainError(
        `${action}: the wallet ${this.address} has too little ETH to pay for gas; fund it`,
        { cause: err }
      )
    }
    return new ChainError(`${action}: the transaction would fail (${describeError(err)})`, { cause: err })
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, ms)
      this.shutdown.signal.addEventListener(
        'abort',
        () => {
          clearTimeout(timer)
          resolve()
        },
        { once: true }
      )
    })
  }
}
