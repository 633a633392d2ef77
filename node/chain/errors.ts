import { RynusError } from '../../protocols/common/errors.js'

/** The chain cannot be reached, answers for another chain, or has no contracts where the config says. */
export class ChainError extends RynusError {
  constructor(message: string, options?: ErrorOptions) {
    super(message, 'ERR_CHAIN', options)
  }
}

/** The wallet file cannot be read, written or decrypted, or no passphrase was given. */
export class WalletError extends RynusError {
  constructor(message: string, code = 'ERR_WALLET', options?: ErrorOptions) {
    super(message, code, options)
  }
}

/** A contract refused the transaction; `reason` is its custom error (e.g. `JobExists`). */
export class ChainRevertError extends RynusError {
  readonly reason: string
  readonly args: readonly unknown[]
  constructor(action: string, reason: string, args: readonly unknown[], options?: ErrorOptions) {
    super(
      `${action}: the contract refused it (${reason}${args.length > 0 ? `(${args.join(', ')})` : ''})`,
      'ERR_CHAIN_REVERT',
      options
    )
    this.reason = reason
    this.args = args
  }
}

/** The worker peer has no (valid) binding to an address in the registry. */
export class WorkerNotRegisteredError extends RynusError {
  readonly peerId: string
  constructor(peerId: string, why = 'has no address bound in the worker registry') {
    super(
      `worker ${peerId} ${why}; it must run \`rynus-node start\` with settlement on so it registers itself, or be left out of the award`,
      'ERR_WORKER_NOT_REGISTERED'
    )
    this.peerId = peerId
  }
}

/** What is on chain under an id is not what this node meant to put there. */
export class SettlementMismatchError extends RynusError {
  constructor(message: string) {
    super(message, 'ERR_SETTLEMENT_MISMATCH')
  }
}

/** The client was stopped while an action was waiting; the action resumes on the next start. */
export class ChainStoppedError extends RynusError {
  constructor(action: string) {
    super(
      `${action}: the chain client stopped before the transaction was confirmed; it is picked up again on the next start`,
      'ERR_CHAIN_STOPPED'
    )
  }
}

/** More was asked of a balance than it holds. */
export class InsufficientBalanceError extends RynusError {
  constructor(message: string) {
    super(message, 'ERR_INSUFFICIENT_BALANCE')
  }
}
