import {
  type JsonRpcProvider,
  Transaction,
  type TransactionReceipt,
  type TransactionRequest,
  type Wallet
} from 'ethers'
import { describeError } from '../../protocols/common/errors.js'
import type { Logger } from '../../protocols/common/logger.js'
import { SerialQueue } from '../../storage/repos/serial-queue.js'
import { GAS_MARGIN_PERCENT, REBROADCAST_MS } from './constants.js'
import { ChainError, ChainRevertError, ChainStoppedError } from './errors.js'
import { decodeRevert } from './revert.js'
import type { ActionRecord, SettlementStore } from './store.js'

export interface TransactionSenderDeps {
  provider: JsonRpcProvider
  /** The wallet, connected to `provider`. */
  signer: Wallet
  store: SettlementStore
  logger: Logger
  /** Aborted when the client stops: waits end with ChainStoppedError. */
  signal: AbortSignal
  running: () => boolean
}

/**
 * Sends each settlement action at most once, recorded in the ledger: signed, recorded as `sent`
 * (fsync), broadcast, then recorded `confirmed` after `confirmations` blocks (fsync). The same
 * signed bytes are broadcast again when the chain lost them; a replaced or reverted transaction
 * lets the action be decided again from the chain's state. One action key runs one at a time.
 */
export class TransactionSender {
  private readonly opts: { chainId: number; confirmations: number; pollMs: number }
  private readonly d: TransactionSenderDeps
  private readonly address: string
  private readonly actions = new SerialQueue()
  private readonly nonces = new SerialQueue()

  constructor(opts: { chainId: number; confirmations: number; pollMs: number }, deps: TransactionSenderDeps) {
    this.opts = opts
    this.d = deps
    this.address = deps.signer.address
  }

  /** Follows a transaction a previous run left unconfirmed, in the background. */
  resume(action: string, record: ActionRecord): void {
    void this.actions
      .run(action, () => this.follow(action, record))
      .catch((err: unknown) => {
        if (!(err instanceof ChainStoppedError))
          this.d.logger.warn('resuming a transaction failed', { action, error: describeError(err) })
      })
  }

  /** Resolves once every action started so far has ended. */
  idle(): Promise<void> {
    return this.actions.idle()
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
        const known = await this.d.store.action(action)
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
    if (!this.d.running()) throw new ChainStoppedError(action)
  }

  /** Estimates, signs with the next nonce, records, broadcasts. */
  private async broadcast(action: string, request: TransactionRequest): Promise<ActionRecord> {
    let gas: bigint
    try {
      gas = await this.d.provider.estimateGas({ ...request, from: this.address })
    } catch (err) {
      throw this.refused(action, err)
    }
    // One signer at a time. The nonce is the chain's count of our transactions including
    // pending ones, so a transaction replaced or lost in a reorg never leaves a gap; a node that
    // lags behind our own last broadcast answers "nonce too low", and the next one is tried.
    return this.nonces.run('nonce', async () => {
      let nonce = await this.d.provider.getTransactionCount(this.address, 'pending')
      for (let retry = 0; ; retry++) {
        const tx = await this.d.signer.populateTransaction({
          ...request,
          from: this.address,
          nonce,
          gasLimit: (gas * GAS_MARGIN_PERCENT) / 100n,
          chainId: this.opts.chainId
        })
        const raw = await this.d.signer.signTransaction(tx)
        const record: ActionRecord = {
          txHash: Transaction.from(raw).hash!,
          state: 'sent',
          at: Date.now(),
          nonce,
          raw
        }
        await this.d.store.putAction(action, record)
        try {
          await this.d.provider.broadcastTransaction(raw)
        } catch (err) {
          await this.d.store.deleteAction(action)
          const code = (err as { code?: unknown }).code
          if ((code === 'NONCE_EXPIRED' || code === 'REPLACEMENT_UNDERPRICED') && retry < 3) {
            nonce = Math.max(nonce + 1, await this.d.provider.getTransactionCount(this.address, 'pending'))
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
        this.d.logger.debug('transaction sent', { action, tx: record.txHash, nonce })
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
      const receipt = await this.d.provider.getTransactionReceipt(record.txHash)
      if (receipt !== null) {
        if (receipt.status !== 1) {
          this.d.logger.warn('transaction reverted', { action, tx: record.txHash })
          await this.d.store.deleteAction(action)
          return undefined
        }
        if (record.state === 'confirmed') return receipt
        const head = await this.d.provider.getBlockNumber()
        if (head - receipt.blockNumber + 1 >= this.opts.confirmations) {
          // the receipt read again after the wait: a reorg may have moved or dropped it
          const settled = await this.d.provider.getTransactionReceipt(record.txHash)
          if (settled?.blockHash === receipt.blockHash) {
            const { raw: _raw, ...rest } = record
            await this.d.store.putAction(action, {
              ...rest,
              state: 'confirmed',
              at: Date.now(),
              blockNumber: receipt.blockNumber
            })
            return receipt
          }
        }
      } else if ((await this.d.provider.getTransaction(record.txHash)) === null) {
        const used = await this.d.provider.getTransactionCount(this.address, 'latest')
        if (used > record.nonce) {
          if ((await this.d.provider.getTransactionReceipt(record.txHash)) !== null) continue
          this.d.logger.warn('transaction replaced; deciding the action again from the chain', {
            action,
            tx: record.txHash
          })
          await this.d.store.deleteAction(action)
          return undefined
        }
        if (record.raw !== undefined && Date.now() >= rebroadcastAt) {
          rebroadcastAt = Date.now() + REBROADCAST_MS
          await this.d.provider.broadcastTransaction(record.raw).catch((err: unknown) => {
            this.d.logger.debug('broadcasting again failed', { action, error: describeError(err) })
          })
        }
      }
      await this.sleep(this.opts.pollMs)
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
      this.d.signal.addEventListener(
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
