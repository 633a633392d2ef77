import { join } from 'node:path'
import type { Helia } from 'helia'
import type { Logger } from '../../protocols/common/logger.js'
import { PinService } from '../../protocols/pin/index.js'
import { PinRepository } from '../../storage/repos/index.js'
import type { NodeConfig } from '../config/config.js'
import { TrustlessGateway } from '../gateway/index.js'
import type { RynusLibp2p } from '../libp2p/types.js'
import type { RequesterService } from '../requester/requester-service.js'
import type { Stoppable } from '../roles.js'
import { JobDataPins } from './job-data-pins.js'

/** Folder (inside the data dir) of the pins a super-peer keeps for other peers. */
export const PINS_DIR = 'pins'

export interface SharingContext {
  config: NodeConfig
  dataDir: string
  libp2p: RynusLibp2p
  helia: Helia
  requester?: RequesterService
  logger: Logger
}

export interface Sharing {
  /** Asking super-peers to keep this node's data (every node). */
  pins: JobDataPins
  /** Keeping data for other peers (super-peers). */
  pinService?: PinService
  /** The trustless HTTP gateway, when `gateway.enabled`. */
  gateway?: TrustlessGateway
}

/**
 * Sharing job data beyond this node's uptime: super-peers serve `/rynus/pin/1.0.0`; a node
 * with `storage.pinOnSuperPeers` asks them to keep its jobs' specs, inputs and results; with
 * `gateway.enabled` the node's blocks are readable over plain HTTP. Each started part goes to
 * `started` so the node stops them in reverse.
 */
export async function startSharing(
  ctx: SharingContext,
  started: (part: Stoppable) => void
): Promise<Sharing> {
  const { config, libp2p, helia, logger } = ctx
  const out: Sharing = {
    pins: new JobDataPins(
      { durationMs: config.storage.pinDurationMs },
      { libp2p, logger: logger.child('remote-pins') }
    )
  }
  started({ name: 'remote pins', stop: () => out.pins.stop() })

  if (config.roles.includes('super-peer')) {
    const repo = await PinRepository.open(join(ctx.dataDir, PINS_DIR))
    started({ name: 'pin store', stop: () => repo.close() })
    const service = new PinService(config.pinning, { libp2p, helia, repo, logger: logger.child('pinning') })
    await service.start()
    started({ name: 'pinning', stop: () => service.stop() })
    out.pinService = service
  }

  const requester = ctx.requester
  if (config.storage.pinOnSuperPeers && requester !== undefined) {
    const onJob = (event: Parameters<JobDataPins['onJobEvent']>[0]): void => {
      void out.pins.onJobEvent(event, (jobId) => requester.get(jobId))
    }
    requester.jobs.events.on('job', onJob)
    started({
      name: 'job data pinning',
      stop: () => {
        requester.jobs.events.off('job', onJob)
      }
    })
  }

  if (config.gateway.enabled) {
    const gateway = new TrustlessGateway(config.gateway, { helia, logger: logger.child('gateway') })
    await gateway.start()
    started({ name: 'gateway', stop: () => gateway.stop() })
    out.gateway = gateway
    logger.info('trustless HTTP gateway listening', { url: gateway.url() })
  }
  return out
}
