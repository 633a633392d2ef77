import type { Balances, NodeSettlement } from '../chain/index.js'
import { walletAddress, walletHistory } from '../chain/index.js'
import { BadRequestError } from './errors.js'
import type { ApiServer } from './server.js'

export interface WalletRouteDeps {
  dataDir: string
  /** The node's settlement once started; undefined while settlement is off (no chain.rpcUrl). */
  settlement(): NodeSettlement | undefined
}

/** What GET /wallet answers. Amounts are decimal strings of base units (wei, token base units). */
export interface WalletView {
  enabled: boolean
  /** The wallet's address, also when settlement is off (null without a wallet). */
  address: string | null
  chainId?: number
  contracts?: { token: string; registry: string; market: string }
  balances?: Balances
  /** Why settlement is off, and how to turn it on. */
  reason?: string
}

const OFF =
  'settlement is off on this node: set chain.rpcUrl and the contract addresses (rynus-node start --chain-rpc-url …), and create the wallet with `rynus-node wallet create`'

function settlementOf(deps: WalletRouteDeps): NodeSettlement {
  const s = deps.settlement()
  if (s === undefined) throw new BadRequestError(OFF)
  return s
}

function amountOf(body: unknown, required: boolean): bigint | undefined {
  const value = typeof body === 'object' && body !== null ? (body as { amount?: unknown }).amount : undefined
  if (value === undefined && !required) return undefined
  if (typeof value !== 'string' || !/^\d{1,40}$/.test(value) || BigInt(value) === 0n) {
    throw new BadRequestError(
      'give the amount in token base units as a decimal string, e.g. "1500000000000000000"',
      {
        amount: required
          ? 'required: base units as a string, more than 0'
          : 'base units as a string, more than 0'
      }
    )
  }
  return BigInt(value)
}

/**
 * GET /wallet (address, contracts, balances), GET /wallet/history (escrows, payments, earnings
 * and withdrawals with their transaction hashes), POST /wallet/withdraw { amount? } (default: all
 * that the market owes this node), POST /wallet/deposit { amount } (stake into the worker
 * registry: approve + stake).
 */
export function registerWalletRoutes(api: ApiServer, deps: WalletRouteDeps): void {
  api.route('GET', '/wallet', async (): Promise<WalletView> => {
    const s = deps.settlement()
    if (s === undefined)
      return { enabled: false, address: (await walletAddress(deps.dataDir)) ?? null, reason: OFF }
    const { chainId, token, registry, market } = s.client.config
    return {
      enabled: true,
      address: s.address,
      chainId,
      contracts: { token, registry, market },
      balances: await s.worker.balances()
    }
  })
  api.route('GET', '/wallet/history', async () => walletHistory(settlementOf(deps).client))
  api.route('POST', '/wallet/withdraw', async (req) => {
    const s = settlementOf(deps)
    const withdrawn = await s.worker.withdraw(amountOf(await req.json(), false))
    return { withdrawn, balances: await s.worker.balances() }
  })
  api.route('POST', '/wallet/deposit', async (req) => {
    const s = settlementOf(deps)
    const amount = amountOf(await req.json(), true) as bigint
    await s.worker.stake(amount)
    return { staked: amount, balances: await s.worker.balances() }
  })
}
