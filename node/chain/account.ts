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
