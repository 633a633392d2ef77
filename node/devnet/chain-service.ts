import { randomBytes } from 'node:crypto'
import { readFile, writeFile } from 'node:fs/promises'
import { createServer } from 'node:net'
import { join } from 'node:path'
import { type JsonRpcProvider, parseEther, Wallet } from 'ethers'
import { type Anvil, anvilProvider, startAnvil } from '../../contracts/anvil.js'
import { deployRynus, type MarketConfig, type RynusAddresses } from '../../contracts/deploy.js'
import { confirmed } from '../../contracts/tx.js'
import type { Logger } from '../../protocols/common/logger.js'
import { type ChainConfig, loadOrCreateWallet, walletAddress } from '../chain/index.js'
import type { NodeConfig } from '../config/config.js'
import { DevnetError, type DevnetNode, type DevnetService } from './devnet.js'

export const DEVNET_CHAIN_PORT = 8545
/** The passphrase file the devnet writes into each node's data dir (devnet convenience only). */
export const DEVNET_PASSPHRASE_FILE = 'wallet-passphrase'

const TOKEN = 10n ** 18n

export interface ChainServiceOptions {
  /** Port of anvil on 127.0.0.1 (default 8545); 0 picks a free one (tests). */
  port?: number
  /** Short windows so auto-release happens while a person watches (default: 30 s challenge window). */
  market?: Partial<MarketConfig>
  /** Tokens each role's wallet receives. */
  tokens?: { requester: bigint; worker: bigint }
}

/**
 * The devnet's chain: anvil from the npm package on 127.0.0.1:8545, the Rynus contracts deployed
 * fresh on every run (30 s challenge window), and for each node a wallet (keystore in its data
 * dir, passphrase in `<dataDir>/wallet-passphrase`, mode 0600 — a devnet convenience: on a real
 * node the passphrase stays with its owner) funded with ETH for gas and tokens (the requester
 * plenty to escrow, workers enough to stake), and the chain's addresses in every config.
 */
export class ChainDevnetService implements DevnetService {
  readonly name = 'chain (anvil + contracts)'
  private readonly opts: ChainServiceOptions
  private anvil?: Anvil
  private provider?: JsonRpcProvider
  private addresses?: RynusAddresses
  private readonly wallets = new Map<string, string>()

  constructor(opts: ChainServiceOptions = {}) {
    this.opts = opts
  }

  async start(ctx: { baseDir: string; nodes: DevnetNode[]; logger: Logger }): Promise<void> {
    const port = this.opts.port ?? DEVNET_CHAIN_PORT
    if (port !== 0 && !(await portFree(port))) {
      throw new DevnetError(
        `port ${port} (the devnet's chain) is already in use; is another devnet or a local chain (anvil, hardhat) running? Stop it or free the port`
      )
    }
    this.anvil = await startAnvil({ port: port === 0 ? undefined : port, accounts: 1, logger: ctx.logger })
    this.provider = anvilProvider(this.anvil)
    const funder = new Wallet(this.anvil.accounts[0]!, this.provider)
    const deployment = await deployRynus(funder, {
      unbondingDelay: 60,
      market: { challengeWindow: 30, disputeWindow: 120, quorum: 1, ...this.opts.market },
      logger: ctx.logger
    })
    this.addresses = deployment.addresses
    const tokens = this.opts.tokens ?? { requester: 100_000n * TOKEN, worker: 1_000n * TOKEN }
    for (const node of ctx.nodes) {
      const address = await this.nodeWallet(node)
      this.wallets.set(node.spec.name, address)
      await confirmed(funder.sendTransaction({ to: address, value: parseEther('100') }))
      const amount = node.spec.roles.includes('requester')
        ? tokens.requester
        : node.spec.roles.includes('worker')
          ? tokens.worker
          : 0n
      if (amount > 0n) await confirmed(deployment.token.mint(address, amount))
    }
    ctx.logger.info('chain ready', { rpcUrl: this.anvil.rpcUrl, market: this.addresses.market })
  }

  configure(node: DevnetNode, config: NodeConfig): void {
    config.chain = this.chainConfig(node)
  }

  /** The chain section a devnet node runs with. */
  chainConfig(node: DevnetNode): ChainConfig {
    if (this.anvil === undefined || this.addresses === undefined)
      throw new DevnetError('the chain is not started')
    return {
      rpcUrl: this.anvil.rpcUrl,
      chainId: this.anvil.chainId,
      token: this.addresses.token,
      registry: this.addresses.registry,
      market: this.addresses.market,
      deployBlock: this.addresses.deployBlock,
      confirmations: 1,
      passphraseFile: join(node.dataDir, DEVNET_PASSPHRASE_FILE)
    }
  }

  summary(): string[] {
    if (this.anvil === undefined || this.addresses === undefined) return []
    const a = this.addresses
    return [
      `  chain       ${this.anvil.rpcUrl} (anvil, chain id ${a.chainId}) — token ${a.token}`,
      `              registry ${a.registry}  market ${a.market}`,
      ...[...this.wallets].map(([name, address]) => `  wallet      ${name.padEnd(11)} ${address}`)
    ]
  }

  async stop(): Promise<void> {
    this.provider?.destroy()
    await this.anvil?.stop()
  }

  /** Creates (or opens) the node's wallet with the devnet's passphrase file. */
  private async nodeWallet(node: DevnetNode): Promise<string> {
    const file = join(node.dataDir, DEVNET_PASSPHRASE_FILE)
    let passphrase: string
    try {
      passphrase = (await readFile(file, 'utf8')).trim()
    } catch {
      if ((await walletAddress(node.dataDir)) !== undefined) {
        throw new DevnetError(
          `${node.spec.name} has a wallet but no ${file}; write its passphrase there or delete ${node.dataDir}`
        )
      }
      passphrase = randomBytes(16).toString('hex')
      await writeFile(file, `${passphrase}\n`, { mode: 0o600, flag: 'wx' })
    }
    return (await loadOrCreateWallet(node.dataDir, passphrase, { create: true })).address
  }
}

function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const srv = createServer()
    srv.once('error', () => resolve(false))
    srv.listen(port, '127.0.0.1', () => srv.close(() => resolve(true)))
  })
}
