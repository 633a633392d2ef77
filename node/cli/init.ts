import { writeFile } from 'node:fs/promises'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
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
  out.result(
    { dataDir, peerId, config: configPath(dataDir), created },
    created
      ? `initialised ${dataDir}\n  peer id: ${peerId}\n  config:  ${configPath(dataDir)}\nstart the node with: rynus-node start --data-dir ${dataDir}`
      : `${dataDir} is already initialised (peer id ${peerId}); config kept (use --force to rewrite it)`
  )
  return EXIT.OK
}
