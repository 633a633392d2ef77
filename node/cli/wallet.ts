import { formatEther } from 'ethers'
import type { WalletView } from '../api/wallet-routes.js'
import { loadOrCreateWallet, resolvePassphrase, walletAddress, walletPath } from '../chain/index.js'
import { loadConfig } from '../config/load.js'
import { overridesFromEnv, overridesFromFlags } from '../config/settings.js'
import { ensureDataDir } from '../data-dir.js'
import { apiGet, apiRequest } from './api-client.js'
import { dataDirFrom, type Flags, UsageError } from './args.js'
import { EXIT } from './exit-codes.js'
import type { Output } from './output.js'
import { formatTokens, parseTokens } from './units.js'

export const WALLET_USAGE = `rynus-node wallet create [--chain-passphrase-file <file>]
       rynus-node wallet address
       rynus-node wallet balance
       rynus-node wallet deposit <tokens>
       rynus-node wallet withdraw [<tokens>]

create   makes the encrypted keystore <data dir>/wallet.json (works without a running node).
         The passphrase comes from --chain-passphrase-file (or chain.passphraseFile in config.json),
         else RYNUS_WALLET_PASSPHRASE, else it is asked for on the terminal.
address  prints the wallet's address (no passphrase needed).
balance  ETH and tokens in the wallet, what the market owes this node, stake (asks the running node).
deposit  stakes tokens from the wallet into the worker registry (workers: stake backs the tasks
         they accept). Requesters need no deposit: each job's budget is escrowed when it is submitted.
withdraw moves what the market owes this node (earnings, refunds) into the wallet; all of it by default.`

/** `rynus-node wallet create|address|balance|deposit|withdraw`. */
export async function walletCommand(flags: Flags, out: Output, positionals: string[]): Promise<number> {
  const [sub, ...args] = positionals
  const dataDir = dataDirFrom(flags)
  switch (sub) {
    case 'create':
      return create(dataDir, flags, out)
    case 'address': {
      const address = await walletAddress(dataDir)
      if (address === undefined) {
        throw new UsageError(
          `no wallet in ${dataDir}; create it with \`rynus-node wallet create --data-dir ${dataDir}\``
        )
      }
      out.result({ address }, address)
      return EXIT.OK
    }
    case 'balance': {
      const view = await apiGet<WalletView>(dataDir, '/wallet')
      out.result(view, describeWallet(view))
      return EXIT.OK
    }
    case 'deposit': {
      if (args[0] === undefined)
        throw new UsageError('say how many tokens to stake: rynus-node wallet deposit <tokens>')
      const amount = parseTokens(args[0], 'the amount')
      const res = await apiRequest<{ staked: string; balances: NonNullable<WalletView['balances']> }>(
        dataDir,
        'POST',
        '/wallet/deposit',
        { json: { amount } }
      )
      out.result(
        res,
        `staked ${formatTokens(res.staked)} tokens; stake now ${formatTokens(res.balances.stake)}`
      )
      return EXIT.OK
    }
    case 'withdraw': {
      const amount = args[0] === undefined ? undefined : parseTokens(args[0], 'the amount')
      const res = await apiRequest<{ withdrawn: string; balances: NonNullable<WalletView['balances']> }>(
        dataDir,
        'POST',
        '/wallet/withdraw',
        { json: amount === undefined ? {} : { amount } }
      )
      out.result(
        res,
        res.withdrawn === '0'
          ? 'nothing to withdraw: the market owes this node nothing'
          : `withdrew ${formatTokens(res.withdrawn)} tokens; wallet now holds ${formatTokens(res.balances.wallet.tokens)}`
      )
      return EXIT.OK
    }
    default:
      throw new UsageError(
        `unknown wallet command "${sub ?? ''}"; use create, address, balance, deposit or withdraw`
      )
  }
}

async function create(dataDir: string, flags: Flags, out: Output): Promise<number> {
  const existing = await walletAddress(dataDir)
  if (existing !== undefined) {
    out.result(
      { address: existing, created: false },
      `${walletPath(dataDir)} already exists (address ${existing}); kept`
    )
    return EXIT.OK
  }
  await ensureDataDir(dataDir)
  const config = await loadConfig(dataDir, [
    { where: 'environment', values: overridesFromEnv(process.env) },
    { where: 'flags', values: overridesFromFlags(flags) }
  ])
  const passphrase = await resolvePassphrase({
    passphraseFile: config.chain.passphraseFile,
    env: process.env,
    prompt: true,
    confirm: true
  })
  const wallet = await loadOrCreateWallet(dataDir, passphrase, { create: true })
  out.result(
    { address: wallet.address, file: walletPath(dataDir), created: true },
    `wallet created: ${wallet.address}\n  keystore: ${walletPath(dataDir)} (encrypted; keep the passphrase safe — it cannot be recovered)`
  )
  return EXIT.OK
}

function describeWallet(view: WalletView): string {
  if (!view.enabled || view.balances === undefined) {
    return [`address: ${view.address ?? '(no wallet)'}`, view.reason ?? 'settlement is off'].join('\n')
  }
  const b = view.balances
  return [
    `address:      ${view.address}`,
    `chain:        ${view.chainId}  market ${view.contracts?.market}`,
    `wallet:       ${formatEther(b.wallet.eth)} ETH, ${formatTokens(b.wallet.tokens)} tokens`,
    `withdrawable: ${formatTokens(b.market.withdrawable)} tokens (rynus-node wallet withdraw)`,
    `stake:        ${formatTokens(b.stake)} tokens, ${formatTokens(b.market.locked)} locked by open tasks`
  ].join('\n')
}
