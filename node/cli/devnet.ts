import { resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { ChainDevnetService } from '../devnet/chain-service.js'
import { Devnet } from '../devnet/devnet.js'
import { createLogger } from '../logger.js'
import type { Flags } from './args.js'
import { EXIT } from './exit-codes.js'
import type { Output } from './output.js'

/**
 * `rynus-node devnet`: a super-peer, two workers and a requester on 127.0.0.1, each its own
 * process with its own data dir under .rynus/devnet/. Ctrl-C stops them all.
 */
export async function devnetCommand(flags: Flags, out: Output): Promise<number> {
  const began = performance.now()
  const baseDir = resolve(typeof flags['data-dir'] === 'string' ? flags['data-dir'] : '.rynus/devnet')
  const logger = createLogger({ level: 'info', json: false }, 'devnet')
  const binPath = fileURLToPath(new URL('../bin.js', import.meta.url))
  const devnet = new Devnet({ baseDir, binPath, logger, services: [new ChainDevnetService()] })

  let failed = false
  const stopped = new Promise<void>((resolveStop) => {
    const onSignal = (): void => {
      devnet.markStopping()
      resolveStop()
    }
    process.on('SIGINT', onSignal)
    process.on('SIGTERM', onSignal)
    devnet.onUnexpectedExit(() => {
      failed = true
      resolveStop()
    })
  })

  try {
    await devnet.prepare()
    logger.info(`starting ${devnet.nodes.length} nodes in ${baseDir}`)
    await devnet.start()
    const up = await Promise.race([devnet.waitConnected().then(() => true), stopped.then(() => false)])
    if (!up) {
      await devnet.stop()
      return failed ? EXIT.FAILURE : EXIT.OK
    }
  } catch (err) {
    await devnet.stop()
    throw err
  }
  const seconds = (performance.now() - began) / 1000
  const requester = devnet.requester()
  const ui = await devnet.uiUrl(requester)
  const gateway = devnet.gatewayUrl()
  out.result(
    {
      baseDir,
      connectedSeconds: Number(seconds.toFixed(2)),
      ui,
      gateway,
      nodes: devnet.nodes.map((n) => ({
        name: n.spec.name,
        roles: n.spec.roles,
        peerId: n.peerId,
        api: n.apiBase,
        dataDir: n.dataDir
      }))
    },
    [
      `devnet up: all ${devnet.nodes.length} nodes connected in ${seconds.toFixed(1)} s`,
      ...devnet.nodes.map(
        (n) => `  ${n.spec.name.padEnd(11)} ${n.peerId}  api ${n.apiBase}  log ${n.dataDir}/node.log`
      ),
      ...devnet.serviceSummary(),
      '',
      `open the requester's web UI: ${ui}`,
      ...(gateway !== undefined
        ? [`job data the super-peer pinned, over plain HTTP: ${gateway}/ipfs/<cid> (?format=car for a CAR)`]
        : []),
      `CLI against it: rynus-node status --data-dir ${requester.dataDir}`,
      `render the sample scene: rynus-node job submit render simulations/assets/sample-scene.blend --frames 1-24 --samples 16 --resolution 320x180 --max-price 0.01 --data-dir ${requester.dataDir}`,
      'press Ctrl-C to stop the devnet'
    ].join('\n')
  )

  await stopped
  logger.info('stopping the devnet')
  await devnet.stop()
  logger.info('devnet stopped')
  return failed ? EXIT.FAILURE : EXIT.OK
}
