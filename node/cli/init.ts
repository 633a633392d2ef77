import { writeFile } from 'node:fs/promises'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { loadOrCreateWallet, resolvePassphrase, WalletError, walletAddress } from '../chain/index.js'
import { defaultConfig } from '../config/config.js'
import { configPath, loadConfig, readConfigFile } from '../config/load.js'
import { overridesFromEnv, overridesFromFlags } from '../config/settings.js'
import { ensureDataDir, loadOrCreateApiToken, loadOrCreatePeerKey } from '../data-dir.js'
import { dataDirFrom, type Flags } from './args.js'
import { EXIT } from './exit-codes.js'
import type { Output } from './output.js'

/**
 * `rynus-node init`: creates the data dir with the peer key, the API token and config.json
 * (defaults plus any flags/env given). An existing config is kept unless --force.
 */
export async function initCommand(flags: Flags, out: Output): Promise<number> {
  const dataDir = dataDirFrom(flags)
  await ensureDataDir(dataDir)
  const existing = await readConfigFile(dataDir)
  const overrides = [
    { where: 'environment', values: overridesFromEnv(process.env) },
    { where: 'flags', values: overridesFromFlags(flags) }
  ]
  let created = false
  if (existing === undefined || flags.force === true) {
    // validate by loading defaults + overrides before anything is written
    const base = defaultConfig()
    await writeFile(configPath(dataDir), `${JSON.stringify(base, null, 2)}\n`, { mode: 0o600 })
    const cfg = await loadConfig(dataDir, overrides)
    await writeFile(configPath(dataDir), `${JSON.stringify(cfg, null, 2)}\n`, { mode: 0o600 })
    created = true
  }
  const key = await loadOrCreatePeerKey(dataDir)
  await loadOrCreateApiToken(dataDir)
  const peerId = peerIdFromPrivateKey(key).toString()
  const wallet = await initWallet(dataDir, overrides)
  out.result(
    { dataDir, peerId, config: configPath(dataDir), created, wallet: wallet.address ?? null },
    [
      created
        ? `initialised ${dataDir}\n  peer id: ${peerId}\n  config:  ${configPath(dataDir)}`
        : `${dataDir} is already initialised (peer id ${peerId}); config kept (use --force to rewrite it)`,
      `  wallet:  ${wallet.line}`,
      ...(created ? [`start the node with: rynus-node start --data-dir ${dataDir}`] : [])
    ].join('\n')
  )
  return EXIT.OK
}

/**
 * The wallet: kept when it exists; created when a passphrase is at hand without asking (the
 * config's chain.passphraseFile or RYNUS_WALLET_PASSPHRASE); otherwise a hint how to create it.
 */
async function initWallet(
  dataDir: string,
  overrides: Parameters<typeof loadConfig>[1]
): Promise<{ address?: string; line: string }> {
  const existing = await walletAddress(dataDir)
  if (existing !== undefined) return { address: existing, line: `${existing} (kept)` }
  const cfg = await loadConfig(dataDir, overrides)
  let passphrase: string
  try {
    passphrase = await resolvePassphrase({
      passphraseFile: cfg.chain.passphraseFile,
      env: process.env,
      prompt: false
    })
  } catch (err) {
    if (!(err instanceof WalletError) || err.code !== 'ERR_WALLET_PASSPHRASE') throw err
    return { line: `none yet; create it with: rynus-node wallet create --data-dir ${dataDir}` }
  }
  const wallet = await loadOrCreateWallet(dataDir, passphrase, { create: true })
  return { address: wallet.address, line: `${wallet.address} (created, encrypted)` }
}
