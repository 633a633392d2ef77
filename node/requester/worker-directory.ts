import {
  findCapabilityProviders,
  lookupCapacity,
  type VerifiedCapacity
} from '../../protocols/capacity/index.js'
import { describeError } from '../../protocols/common/errors.js'
import type { Logger } from '../../protocols/common/logger.js'
import type { WorkerCapacity } from '../../scheduler/index.js'
import type { RynusLibp2p } from '../libp2p/types.js'

export const WORKER_CACHE_MS = 10_000
export const FIND_WORKERS_TIMEOUT_MS = 5_000

export interface WorkerEntry extends VerifiedCapacity {
  /** Round-trip time when connected. */
  latencyMs?: number
}

/**
 * Workers online, from the DHT: peers providing the `render` capability key, each with its
 * signed capacity record (checked, unexpired). Cached briefly; every record is verified.
 */
export class WorkerDirectory {
  private readonly libp2p: RynusLibp2p
  private readonly log: Logger
  private cache?: { at: number; entries: Promise<WorkerEntry[]> }

  constructor(components: { libp2p: RynusLibp2p; logger: Logger }) {
    this.libp2p = components.libp2p
    this.log = components.logger
  }

  /** Capacity records of the workers that can be found now. */
  async entries(fresh = false): Promise<WorkerEntry[]> {
    if (!fresh && this.cache !== undefined && Date.now() - this.cache.at < WORKER_CACHE_MS)
      return this.cache.entries
    const entries = this.discover()
    this.cache = { at: Date.now(), entries }
    return entries
  }

  /** The same, as the scheduler sees workers. */
  async list(): Promise<WorkerCapacity[]> {
    return (await this.entries()).map((e) => ({
      peerId: e.peerId,
      capabilities: e.record.capabilities,
      gpus: e.record.gpus.map((g) => ({ vendor: g.vendor, model: g.model, vramBytes: g.vramBytes })),
      priceFloorPerUnit: e.record.priceFloorPerUnit,
      freeSlots: e.record.freeSlots,
      tier: e.record.tier,
      expiresAt: e.expiresAt
    }))
  }

  private async discover(): Promise<WorkerEntry[]> {
    let providers: Array<{ peerId: string }> = []
    try {
      providers = await findCapabilityProviders(this.libp2p.contentRouting, 'render', {
        timeoutMs: FIND_WORKERS_TIMEOUT_MS
      })
    } catch (err) {
      this.log.debug('finding workers failed', { error: describeError(err) })
    }
    const found = await Promise.all(
      providers.map((p) =>
        lookupCapacity(this.libp2p.services.dht, p.peerId, { timeoutMs: FIND_WORKERS_TIMEOUT_MS })
      )
    )
    return found
      .filter((e): e is VerifiedCapacity => e !== undefined && e.expiresAt > Date.now())
      .map((e) => ({
        ...e,
        latencyMs: this.libp2p.getConnections().find((c) => c.remotePeer.toString() === e.peerId)?.rtt
      }))
  }
}
