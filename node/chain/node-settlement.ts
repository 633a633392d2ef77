import { join } from 'node:path'
import type { Logger } from '../../protocols/common/logger.js'
import { silentLogger } from '../../protocols/common/logger.js'
import { AutoRelease } from './auto-release.js'
import { ChainClient, type ChainClientOptions, type ChainConfig } from './client.js'
import { CHAIN_DB_DIR } from './constants.js'
import { resolvePassphrase } from './passphrase.js'
import { RequesterSettlement } from './requester-settlement.js'
import { SettlementStore } from './store.js'
import { loadOrCreateWallet } from './wallet.js'
import { WorkerSettlement } from './worker-settlement.js'

export interface OpenSettlementOptions extends ChainClientOptions {
  dataDir: string
  config: ChainConfig
  logger?: Logger
  /** Where RYNUS_WALLET_PASSPHRASE is read (default process.env). */
  env?: NodeJS.ProcessEnv
  /** Ask on the terminal when neither file nor environment has the passphrase (default: when stdin is a TTY). */
  prompt?: boolean
  /** How often due tasks are released (default 5 s). */
  autoReleaseMs?: number
}

/**
 * Settlement as one node uses it: the wallet, the ledger, the chain client, both roles' sides
 * and the auto-release loop. `start()` connects (and checks) the chain; `stop()` undoes it.
 */
export class NodeSettlement {
  readonly client: ChainClient
  readonly store: SettlementStore
  readonly requester: RequesterSettlement
  readonly worker: WorkerSettlement
  readonly autoRelease: AutoRelease

  constructor(client: ChainClient, logger: Logger, autoReleaseMs?: number) {
    this.client = client
    this.store = client.store
    this.requester = new RequesterSettlement({ client, logger })
    this.worker = new WorkerSettlement({ client, logger })
    this.autoRelease = new AutoRelease({ client, logger }, { intervalMs: autoReleaseMs })
  }

  get address(): string {
    return this.client.address
  }

  async start(): Promise<void> {
    this.autoRelease.start()
    try {
      await this.client.start()
    } catch (err) {
      await this.stop()
      throw err
    }
  }

  async stop(): Promise<void> {
    await this.autoRelease.stop()
    await this.client.stop()
    await this.store.close()
  }
}

/**
 * Opens settlement for a node: undefined when `config.rpcUrl` is '' (settlement off). Reads
 * the passphrase (file, environment, prompt) and the wallet (never creates one: that is
 * `rynus-node init` / `rynus-node wallet create`), opens the ledger at `<dataDir>/chain`.
 * Call `start()` on the result.
 */
export async function openSettlement(opts: OpenSettlementOptions): Promise<NodeSettlement | undefined> {
  if (opts.config.rpcUrl === '') return undefined
  const logger = opts.logger ?? silentLogger
  const passphrase = await resolvePassphrase({
    passphraseFile: opts.config.passphraseFile,
    env: opts.env ?? process.env,
    prompt: opts.prompt ?? process.stdin.isTTY === true
  })
  const wallet = await loadOrCreateWallet(opts.dataDir, passphrase, { create: false })
  const store = await SettlementStore.open(join(opts.dataDir, CHAIN_DB_DIR))
  const client = new ChainClient(opts.config, { wallet, store, logger }, { pollMs: opts.pollMs })
  return new NodeSettlement(client, logger, opts.autoReleaseMs)
}
