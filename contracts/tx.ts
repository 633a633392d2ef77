import type { TransactionReceipt, TransactionResponse } from 'ethers'
import { RynusError } from '../protocols/common/errors.js'

/** A transaction was not mined in time, or was mined and reverted. */
export class TransactionError extends RynusError {
  constructor(message: string, options?: ErrorOptions) {
    super(message, 'ERR_CHAIN_TX', options)
  }
}

const POLL_MS = 25

/**
 * Waits for `tx` by polling its receipt. Unlike `tx.wait()`, which follows new blocks and looks
 * for replacements, this keeps working on a dev chain whose head moves backwards (evm_revert).
 */
export async function confirmed(
  tx: TransactionResponse | Promise<TransactionResponse>,
  timeoutMs = 60_000
): Promise<TransactionReceipt> {
  const sent = await tx
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const receipt = await sent.provider.getTransactionReceipt(sent.hash)
    if (receipt !== null) {
      if (receipt.status !== 1)
        throw new TransactionError(`transaction ${sent.hash} reverted in block ${receipt.blockNumber}`)
      return receipt
    }
    if (Date.now() > deadline) {
      throw new TransactionError(
        `transaction ${sent.hash} was not mined within ${timeoutMs} ms; is the chain producing blocks?`
      )
    }
    await new Promise((resolve) => setTimeout(resolve, POLL_MS))
  }
}
