import type { PrivateKey } from '@libp2p/interface'
import { peerIdFromString } from '@libp2p/peer-id'
import type { Helia } from 'helia'
import { CID } from 'multiformats/cid'
import type { Registry } from 'prom-client'
import { jobOfTask } from '../../contracts/ids.js'
import { CapabilityProvider, CapacityPublisher, type CapacityRecord } from '../../protocols/capacity/index.js'
import { describeError } from '../../protocols/common/errors.js'
import type { Logger } from '../../protocols/common/logger.js'
import type { JobChannel } from '../../protocols/job/index.js'
import type { Award, MarketReply, MarketService } from '../../protocols/market/index.js'
import type { JobOffer, OfferBoard } from '../../protocols/offers/index.js'
import {
  type BiddingPolicy,
  decideBid,
  decodeJobSpec,
  type JobSpec,
  jobIdOf,
  type WorkerCapacity
} from '../../scheduler/index.js'
import { DEFAULT_WORKER_STAKE, type WorkerSettlement } from '../chain/index.js'
import type { NodeConfig } from '../config/config.js'
import { capabilitiesOf, GpuMonitor, type HardwareInventory, type HardwareSample } from '../hardware/index.js'
import type { RynusLibp2p } from '../libp2p/types.js'
import { RenderTaskRunner, type TaskHandle } from './render-task-runner.js'
import { readBlock } from './task-support.js'
import { TrainTaskRunner } from './train-task-runner.js'
import { prepareWorkRoot } from './work-dir.js'
import { settingsOf, type WorkerSettings } from './worker-settings.js'

export const SPEC_FETCH_TIMEOUT_MS = 10_000
export const HARDWARE_POLL_MS = 30_000
const MAX_CACHED_SPECS = 256

export interface WorkerServiceOptions {
  dataDir: string
  config: NodeConfig['worker']
  version: string
  /** Skip probing (tests): use this inventory. */
  inventory?: HardwareInventory
  /** Prometheus registry for the GPU gauges, when metrics are on. */
  metrics?: Registry
}

export interface WorkerServiceComponents {
  libp2p: RynusLibp2p
  helia: Helia
  privateKey: PrivateKey
  offers: OfferBoard
  market: MarketService
  jobs: JobChannel
  /** Settlement on chain; absent when the node has no chain configured (unpaid jobs). */
  settlement?: WorkerSettlement
  logger: Logger
}

/**
 * The worker role: advertises this machine's capacity in the DHT, weighs every job offer
 * (fetching the spec block from the requester), bids on the ones it can take, and runs
 * awarded tasks (fetch inputs, render in the sandbox, stream progress and heartbeats,
 * return output CIDs in a signed result).
 */
export class WorkerService {
  private readonly opts: WorkerServiceOptions
  private readonly c: WorkerServiceComponents
  private readonly log: Logger
  private readonly specs = new Map<string, JobSpec>()
  private readonly running = new Map<string, TaskHandle>()
  private monitor?: GpuMonitor
  private publisher?: CapacityPublisher
  private provider?: CapabilityProvider
  private runner?: RenderTaskRunner
  private trainRunner?: TrainTaskRunner
  private inventory?: HardwareInventory
  private stopOffers?: () => void

  constructor(opts: WorkerServiceOptions, components: WorkerServiceComponents) {
    this.opts = opts
    this.c = components
    this.log = components.logger
  }

  async start(): Promise<void> {
    if (this.opts.inventory !== undefined) {
      this.inventory = this.opts.inventory
    } else {
      this.monitor = new GpuMonitor(
        { intervalMs: HARDWARE_POLL_MS, dataDir: this.opts.dataDir },
        { logger: this.log.child('hardware'), metrics: this.opts.metrics }
      )
      await this.monitor.start()
      this.inventory = this.monitor.latest()
    }
    const workRoot = await prepareWorkRoot(this.opts.dataDir)
    this.runner = new RenderTaskRunner(
      { workRoot, taskTimeoutMs: this.opts.config.taskTimeoutMs },
      {
        helia: this.c.helia,
        jobs: this.c.jobs,
        settlement: this.c.settlement,
        logger: this.log.child('task')
      }
    )
    this.trainRunner = new TrainTaskRunner(
      { workRoot, taskTimeoutMs: this.opts.config.taskTimeoutMs },
      {
        helia: this.c.helia,
        jobs: this.c.jobs,
        libp2p: this.c.libp2p,
        settlement: this.c.settlement,
        logger: this.log.child('train-task')
      }
    )
    this.publisher = new CapacityPublisher(
      { record: () => this.capacityRecord() },
      {
        privateKey: this.c.privateKey,
        peerId: this.c.libp2p.peerId,
        dht: this.c.libp2p.services.dht,
        logger: this.log.child('capacity')
      }
    )
    this.publisher.start()
    this.provider = new CapabilityProvider(
      {},
      { dht: this.c.libp2p.services.dht, logger: this.log.child('capability') }
    )
    this.provider.start()
    void this.provider.update(this.capabilities())
    this.stopOffers = this.c.offers.onOffer((offer, from) => {
      void this.weigh(offer, from)
    })
    this.c.market.onAward((award, from) => this.onAward(award, from))
    this.c.jobs.onCancel((cancel, from) => {
      const task = this.running.get(taskKey(cancel.jobId, cancel.taskId))
      if (task === undefined || task.requester !== from)
        return { accepted: false, reason: 'no such task here' }
      this.log.info('task cancelled by the requester', { jobId: cancel.jobId, taskId: cancel.taskId })
      task.abort(cancel.reason)
      return undefined
    })
    if (this.c.settlement !== undefined) {
      // bind this peer id to the wallet and stake, so requesters can award paid tasks
      try {
        await this.c.settlement.ensureRegistered(this.c.privateKey)
        await this.c.settlement.ensureStake(DEFAULT_WORKER_STAKE)
      } catch (err) {
        this.log.error('cannot register or stake on chain; paid tasks will not be awarded to this worker', {
          error: describeError(err)
        })
      }
    }
    this.log.info(this.paused ? 'worker ready but paused by its operator' : 'worker ready', {
      capabilities: this.capabilities().join(' ')
    })
  }

  async stop(): Promise<void> {
    this.stopOffers?.()
    for (const task of this.running.values()) task.abort('the worker is stopping')
    await Promise.allSettled([...this.running.values()].map((t) => t.done))
    this.provider?.stop()
    this.publisher?.stop()
    await this.monitor?.stop()
  }

  private get paused(): boolean {
    return this.opts.config.paused
  }

  /** Stops bidding and declines awards until `resume()`; tasks already running finish. */
  pause(): void {
    if (!this.paused) this.log.info('worker paused: no new bids or awards')
    this.opts.config.paused = true
  }

  resume(): void {
    if (this.paused) this.log.info('worker resumed: bidding on offers again')
    this.opts.config.paused = false
  }

  /** What the operator can change while the worker runs. */
  settings(): WorkerSettings {
    return settingsOf(this.opts.config)
  }

  /**
   * Applies a checked settings change (see parseSettingsPatch) at once: the next offer is weighed
   * with it, and a new price goes out in a fresh capacity record.
   */
  applySettings(patch: Partial<WorkerSettings>): WorkerSettings {
    const { paused, ...rest } = patch
    if (paused === true) this.pause()
    if (paused === false) this.resume()
    Object.assign(this.opts.config, rest)
    if (rest.priceFloorPerUnit !== undefined) void this.publisher?.publishNow()
    return this.settings()
  }

  /** The hardware probes kept for the operator's charts (empty when the inventory was given, in tests). */
  hardwareHistory(): HardwareSample[] {
    return this.monitor?.history() ?? []
  }

  /** What the hardware probe saw last (GPUs, CPU, memory, disk, Blender, sandbox). */
  hardware(): HardwareInventory | undefined {
    return this.monitor?.latest() ?? this.inventory
  }

  /** The capability keys this worker advertises. */
  capabilities(): string[] {
    return this.inventory !== undefined ? capabilitiesOf(this.inventory) : []
  }

  /** This worker as the scheduler's bidding policy sees it. */
  ownCapacity(): WorkerCapacity {
    const inv = this.inventory
    return {
      peerId: this.c.libp2p.peerId.toString(),
      capabilities: this.capabilities(),
      gpus: (inv?.gpus ?? []).map((g) => ({
        vendor: g.vendor,
        model: g.name,
        vramBytes: g.vramTotalBytes ?? 0
      })),
      priceFloorPerUnit: BigInt(this.opts.config.priceFloorPerUnit),
      freeSlots: Math.max(0, this.opts.config.slots - this.running.size),
      tier: 'global'
    }
  }

  /** Tasks running now (for the API). */
  tasks(): Array<{ jobId: string; taskId: string; requester: string; frames: number[] }> {
    return [...this.running.values()].map((t) => ({
      jobId: t.jobId,
      taskId: t.taskId,
      requester: t.requester,
      frames: t.frames
    }))
  }

  private capacityRecord(): CapacityRecord {
    const inv = this.inventory
    return {
      gpus: (inv?.gpus ?? []).map((g) => ({
        index: g.index,
        vendor: g.vendor,
        model: g.name,
        vramBytes: g.vramTotalBytes ?? 0
      })),
      cpuCores: inv?.cpu.cores ?? 1,
      cpuModel: (inv?.cpu.model ?? 'unknown').slice(0, 64),
      ramBytes: inv?.memory.totalBytes ?? 0,
      diskFreeBytes: inv?.disk.freeBytes ?? 0,
      capabilities: this.capabilities(),
      priceFloorPerUnit: BigInt(this.opts.config.priceFloorPerUnit),
      tier: 'global',
      region: this.opts.config.region,
      version: this.opts.version,
      freeSlots: Math.max(0, this.opts.config.slots - this.running.size),
      blenderVersion: inv?.blender?.version ?? '',
      sandbox: inv?.sandbox.bubblewrap ?? false
    }
  }

  private policy(): BiddingPolicy {
    return {
      allowedHours: this.opts.config.allowedHours,
      markupPercent: this.opts.config.markupPercent,
      kinds: ['render', 'train']
    }
  }

  /** The job spec behind an offer, fetched from the requester over bitswap and checked against its id. */
  private async spec(jobId: string, requester: string, carried?: Uint8Array): Promise<JobSpec> {
    const cached = this.specs.get(jobId)
    if (cached !== undefined) return cached
    let bytes: Uint8Array
    if (carried !== undefined && jobIdOf(carried) === jobId) {
      bytes = carried
    } else {
      const signal = AbortSignal.timeout(SPEC_FETCH_TIMEOUT_MS)
      // the requester holds the spec block; a direct connection lets bitswap ask it at once
      await this.c.libp2p.dial(peerIdFromString(requester), { signal }).catch(() => undefined)
      bytes = await readBlock(this.c.helia, CID.parse(jobId), signal)
    }
    if (jobIdOf(bytes) !== jobId) throw new Error('the spec block does not match its job id')
    const spec = decodeJobSpec(bytes)
    if (spec.requester !== requester) throw new Error('the offer was not published by the job requester')
    if (this.specs.size >= MAX_CACHED_SPECS) this.specs.delete(this.specs.keys().next().value as string)
    this.specs.set(jobId, spec)
    return spec
  }

  private async weigh(offer: JobOffer, requester: string): Promise<void> {
    if (this.paused || (offer.kind !== 'render' && offer.kind !== 'train')) return
    try {
      const spec = await this.spec(offer.jobId, requester, offer.spec)
      const decision = decideBid(
        { jobId: offer.jobId, spec, expiresAt: offer.expiresAt },
        this.ownCapacity(),
        this.policy(),
        Date.now()
      )
      if ('decline' in decision) {
        this.log.debug('not bidding', { jobId: offer.jobId, reason: decision.decline.message })
        return
      }
      const reply = await this.c.market.sendBid(requester, { ...decision.bid, createdAt: Date.now() })
      this.log.info('bid sent', {
        jobId: offer.jobId,
        pricePerUnit: decision.bid.pricePerUnit.toString(),
        accepted: reply.accepted
      })
    } catch (err) {
      this.log.debug('could not weigh offer', { jobId: offer.jobId, error: describeError(err) })
    }
  }

  private async onAward(award: Award, requester: string): Promise<MarketReply> {
    const key = taskKey(award.jobId, award.taskId)
    if (this.running.has(key)) return { accepted: true, reason: 'already running' }
    if (this.paused) return { accepted: false, reason: 'the worker is paused by its operator' }
    if (this.running.size >= this.opts.config.slots) return { accepted: false, reason: 'no free slot' }
    let spec: JobSpec
    try {
      spec = await this.spec(award.jobId, requester)
    } catch (err) {
      return { accepted: false, reason: `cannot read the job spec: ${describeError(err)}` }
    }
    if (this.c.settlement !== undefined && award.chainTaskId !== 0n) {
      // lock collateral on chain before saying yes: an award we cannot back is declined
      try {
        await this.c.settlement.acceptTask(award.chainTaskId, {
          priceTotal: award.pricePerUnit * BigInt(award.frames.length),
          jobId: jobOfTask(award.chainTaskId)
        })
      } catch (err) {
        return { accepted: false, reason: `cannot accept the task on chain: ${describeError(err)}` }
      }
    }
    let handle: TaskHandle
    if (spec.kind === 'train' && spec.train !== undefined)
      handle = this.trainRunner!.start({ award, spec, requester })
    else if (spec.render !== undefined) handle = this.runner!.start({ award, spec, requester })
    else return { accepted: false, reason: `${spec.kind} jobs are not taken here` }
    this.running.set(key, handle)
    void handle.done.finally(() => this.running.delete(key))
    this.log.info('task accepted', { jobId: award.jobId, taskId: award.taskId, frames: award.frames.length })
    return { accepted: true, reason: '' }
  }
}

function taskKey(jobId: string, taskId: string): string {
  return `${jobId}/${taskId}`
}
