import { rm, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { loadConfig } from '../config/load.js'
import { overridesFromEnv, overridesFromFlags } from '../config/settings.js'
import { ensureDataDir } from '../data-dir.js'
import { createLogger } from '../logger.js'
import { RynusNode } from '../rynus-node.js'
import { API_ADDRESS_FILE } from './api-client.js'
import { dataDirFrom, type Flags } from './args.js'
import { EXIT } from './exit-codes.js'
import type { Output } from './output.js'

/** `rynus-node start`: runs the node until SIGINT/SIGTERM, then stops it cleanly and exits 0. */
export async function startCommand(flags: Flags, out: Output): Promise<number> {
  const dataDir = dataDirFrom(flags)
  await ensureDataDir(dataDir)
  const config = await loadConfig(dataDir, [
    { where: 'environment', values: overridesFromEnv(process.env) },
    { where: 'flags', values: overridesFromFlags(flags) }
  ])
  const logger = createLogger(config.log)
  const node = await RynusNode.create({ dataDir, config, logger })
  await node.start()
  const { host, port } = node.api.address()
  const apiBase = `http://${host}:${port}`
  await writeFile(join(dataDir, API_ADDRESS_FILE), `${apiBase}\n`)
  // listen for the stop signal before saying we are up: a supervisor may send it at once
  const stopRequested = new Promise<void>((resolve) => {
    const onSignal = (signal: string): void => {
      logger.info('stopping', { signal })
      resolve()
    }
    process.on('SIGINT', onSignal)
    process.on('SIGTERM', onSignal)
  })
  const status = node.status()
  const gateway = node.sharing?.gateway?.url()
  out.result(
    { ...status, api: apiBase, ui: node.api.uiUrl(), gateway },
    [
      `rynus-node ${status.versions.rynus} running as ${status.roles.join(', ')}`,
      `  peer id:      ${status.peerId}`,
      ...status.addresses.map((a) => `  listening:    ${a}`),
      `  reachability: ${status.reachability.summary}`,
      `  web UI:       ${node.api.uiUrl()}`,
      ...(gateway !== undefined ? [`  gateway:      ${gateway}/ipfs/<cid>`] : []),
      'press Ctrl-C to stop'
    ].join('\n')
  )

  await stopRequested
  await rm(join(dataDir, API_ADDRESS_FILE), { force: true })
  await node.stop()
  logger.info('stopped')
  return EXIT.OK
}
