import type { ChainClient } from './client.js'
import { InsufficientBalanceError } from './errors.js'

/** Everything the node's address holds, in base units (wei for ETH, token base units otherwise). */
export interface Balances {
  address: string
  wallet: { eth: bigint; tokens: bigint }
  /** In the market: `withdrawable` is owed to this address; `locked` is stake backing open tasks. */
  market: { withdrawable: bigint; locked: bigint }
  /** Active stake in the worker registry (0 for a node that never staked). */
  stake: bigint
}

export async function balancesOf(client: ChainClient): Promise<Balances> {
  const address = client.address
  const [eth, tokens, account, info] = await Promise.all([
    client.provider.getBalance(address),
    client.token.balanceOf(address),
    client.market.accountOf(address),
    client.registry.workerInfo(address)
  ])
  return {
    address,
    wallet: { eth, tokens },
    market: { withdrawable: account.withdrawable, locked: account.locked },
    stake: info.stake_
  }
}

/**
 * Withdraws `amount` (default: all that is withdrawable) from the market to the wallet.
 * Returns the amount withdrawn (0 when nothing was owed).
 */
export async function withdrawFrom(client: ChainClient, amount?: bigint): Promise<bigint> {
  const { withdrawable } = await client.market.accountOf(client.address)
  const take = amount ?? withdrawable
  if (take === 0n) return 0n
  if (take > withdrawable) {
    throw new InsufficientBalanceError(
      `cannot withdraw ${take}: the market owes ${client.address} only ${withdrawable} (token base units)`
    )
  }
  await client.send(`withdraw:${take}:${Date.now()}`, () => client.market.withdraw.populateTransaction(take))
  return take
}

/** Base units → "12.5" tokens, for messages. */
function tokens(baseUnits: bigint): string {
  const scale = 10n ** 18n
  const frac = (baseUnits % scale).toString().padStart(18, '0').replace(/0+$/, '')
  return frac === '' ? (baseUnits / scale).toString() : `${baseUnits / scale}.${frac.slice(0, 6)}`
}

/**
 * Whether this wallet can escrow `budget`: enough RYN, and some ETH for gas. Throws
 * InsufficientBalanceError saying what it holds, what the job needs and how to fund it.
 */
export async function checkFunds(client: ChainClient, budget: bigint): Promise<void> {
  const [held, gas] = await Promise.all([
    client.token.balanceOf(client.address),
    client.provider.getBalance(client.address)
  ])
  if (held < budget) {
    throw new InsufficientBalanceError(
      `out of funds: the node's wallet ${client.address} holds ${tokens(held)} RYN but this job's budget is ${tokens(budget)} RYN; send RYN to that address (the Wallet page can fund it from a browser wallet), withdraw what the market owes you, or lower the budget`
    )
  }
  if (gas === 0n) {
    throw new InsufficientBalanceError(
      `out of funds: the node's wallet ${client.address} has no ETH to pay for transactions; send it some ETH`
    )
  }
}
