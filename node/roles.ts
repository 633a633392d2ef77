import type { PrivateKey } from '@libp2p/interface'
import type { Helia } from 'helia'
import type { Registry } from 'prom-client'
import type { Logger } from '../protocols/common/logger.js'
import { JobChannel } from '../protocols/job/index.js'
import { MarketService } from '../protocols/market/index.js'
import { OfferBoard } from '../protocols/offers/index.js'
import { checkFunds, type NodeSettlement } from './chain/index.js'
import type { NodeConfig } from './config/config.js'
import type { RynusLibp2p } from './libp2p/types.js'
import { RequesterService } from './requester/requester-service.js'
import { RYNUS_VERSION } from './version.js'
import { WorkerService } from './worker/worker-service.js'

/** A started piece of the node, stopped in reverse order. */
export interface Stoppable {
  name: string
  stop(): Promise<void> | void
}

export interface RoleContext {
  config: NodeConfig
  dataDir: string
  libp2p: RynusLibp2p
  helia: Helia
  privateKey: PrivateKey
  settlement?: NodeSettlement
  metrics?: Registry
  logger: Logger
}

/**
 * Starts the protocols both roles speak (offers on gossip, the market and job streams), then
 * the worker and requester roles the config asks for. Each started part is handed to
 * `started` so the node stops them in reverse.
 */
export async function startRoles(
  ctx: RoleContext,
  started: (part: Stoppable) => void
): Promise<{ worker?: WorkerService; requester?: RequesterService }> {
  const { logger, libp2p, privateKey, config } = ctx
  const offers = new OfferBoard({}, { libp2p, logger: logger.child('offers') })
  offers.start()
  started({ name: 'offers', stop: () => offers.stop() })
  const market = new MarketService({}, { libp2p, privateKey, logger: logger.child('market') })
  await market.start()
  started({ name: 'market', stop: () => market.stop() })
  const jobs = new JobChannel({}, { libp2p, privateKey, logger: logger.child('job-channel') })
  await jobs.start()
  started({ name: 'job channel', stop: () => jobs.stop() })
  const parts = { libp2p, helia: ctx.helia, offers, market, jobs }

  let worker: WorkerService | undefined
  if (config.roles.includes('worker')) {
    const w = new WorkerService(
      { dataDir: ctx.dataDir, config: config.worker, version: RYNUS_VERSION, metrics: ctx.metrics },
      { ...parts, privateKey, settlement: ctx.settlement?.worker, logger: logger.child('worker') }
    )
    await w.start()
    started({ name: 'worker', stop: () => w.stop() })
    worker = w
  }
  let requester: RequesterService | undefined
  if (config.roles.includes('requester')) {
    const r = new RequesterService(
      { dataDir: ctx.dataDir, config: config.requester },
      {
        ...parts,
        settlement: ctx.settlement?.requester,
        ...(ctx.settlement !== undefined && { funds: fundsCheck(ctx.settlement) }),
        logger: logger.child('requester')
      }
    )
    await r.start()
    started({ name: 'requester', stop: () => r.stop() })
    requester = r
  }
  return { worker, requester }
}

/** The requester's check, before a paid job is stored, that its wallet can escrow the budget. */
function fundsCheck(settlement: NodeSettlement): (budget: bigint) => Promise<void> {
  return (budget) => checkFunds(settlement.client, budget)
}
