import { existsSync } from 'node:fs'
import { join } from 'node:path'
import type { PeerId, PrivateKey } from '@libp2p/interface'
import { LevelDatastore } from 'datastore-level'
import type { Helia } from 'helia'
import { Registry } from 'prom-client'
import { describeError } from '../protocols/common/errors.js'
import type { Logger } from '../protocols/common/logger.js'
import { RecordPublisher } from '../protocols/dht-record/publisher.js'
import { encodeProfile, type NodeProfile, PROFILE_KIND, PROFILE_TTL_MS } from '../protocols/profile/index.js'
import { AssetStore } from '../storage/assets/index.js'
import { createNodeHelia, type NodeHelia } from '../storage/blocks/index.js'
import { registerAssetRoutes } from './api/asset-routes.js'
import { registerJobRoutes } from './api/job-routes.js'
import { registerNodeRoutes } from './api/node-routes.js'
import { registerPinRoutes } from './api/pin-routes.js'
import { ApiServer } from './api/server.js'
import { registerWalletRoutes } from './api/wallet-routes.js'
import { registerWorkerRoutes } from './api/worker-routes.js'
import { type NodeSettlement, openSettlement } from './chain/index.js'
import type { NodeConfig } from './config/config.js'
import { PortInUseError } from './config/errors.js'
import { ensureDataDir, loadOrCreateApiToken, loadOrCreatePeerKey } from './data-dir.js'
import { lookupProfile, putRecord } from './dht-records.js'
import { BootstrapKeeper } from './libp2p/bootstrap-keeper.js'
import { createRynusLibp2p } from './libp2p/create.js'
import type { RynusLibp2p } from './libp2p/types.js'
import { createLogger } from './logger.js'
import { type NodeStatus, type PeerSummary, peerSummaries } from './node-status.js'
import { classifyReachability, type Reachability } from './reachability.js'
import type { RequesterService } from './requester/requester-service.js'
import { type Stoppable, startRoles } from './roles.js'
import { type Sharing, startSharing } from './sharing/index.js'
import { packageRoot, RYNUS_VERSION, versions } from './version.js'
import type { WorkerService } from './worker/worker-service.js'

export type { NodeStatus, PeerSummary }

export interface RynusNodeOptions {
  dataDir: string
  config: NodeConfig
  logger?: Logger
  /** Extra gossip topics to allow beyond the protocol's own (tests, experiments). */
  extraTopics?: string[]
  /** Built web UI to serve; defaults to `<package>/webui/dist` when it exists. */
  webuiDir?: string
  /**
   * Only libp2p, the DHT profile and the API: no data store, market protocols or roles.
   * For protocol tests that bring their own services onto the node's libp2p.
   */
  bare?: boolean
}

/**
 * The whole node, built in dependency order in one place and stopped in reverse:
 * data dir → datastore → libp2p → record publishers → HTTP API.
 */
export class RynusNode {
  readonly config: NodeConfig
  readonly dataDir: string
  readonly log: Logger
  readonly libp2p: RynusLibp2p
  readonly api: ApiServer
  readonly metrics?: Registry
  private readonly datastore: LevelDatastore
  private readonly privateKey: PrivateKey
  private readonly started: Stoppable[] = []
  private readonly shutdown = new AbortController()
  private startedAt = new Date()
  private lastReachability?: Reachability['status']
  private heliaNode?: NodeHelia
  private readonly bare: boolean
  /** Settlement on chain, when the node has a chain configured (after start). */
  settlement?: NodeSettlement
  /** The worker role, when this node has it (after start). */
  worker?: WorkerService
  /** The requester role, when this node has it (after start). */
  requester?: RequesterService
  /** The asset store (files and folders added by the person running the node), after start. */
  assets?: AssetStore
  /** Pinning on super-peers, the pin service (super-peers) and the HTTP gateway, after start. */
  sharing?: Sharing

  private constructor(
    opts: RynusNodeOptions,
    parts: {
      log: Logger
      datastore: LevelDatastore
      privateKey: PrivateKey
      libp2p: RynusLibp2p
      api: ApiServer
      metrics?: Registry
    }
  ) {
    this.config = opts.config
    this.dataDir = opts.dataDir
    this.bare = opts.bare === true
    this.log = parts.log
    this.datastore = parts.datastore
    this.privateKey = parts.privateKey
    this.libp2p = parts.libp2p
    this.api = parts.api
    this.metrics = parts.metrics
  }

  static async create(opts: RynusNodeOptions): Promise<RynusNode> {
    const { config, dataDir } = opts
    const log = opts.logger ?? createLogger(config.log)
    await ensureDataDir(dataDir)
    const privateKey = await loadOrCreatePeerKey(dataDir)
    const token = await loadOrCreateApiToken(dataDir)
    const datastore = new LevelDatastore(join(dataDir, 'datastore'))
    const metrics = config.metrics ? new Registry() : undefined
    const libp2p = await createRynusLibp2p({
      privateKey,
      datastore,
      config,
      version: RYNUS_VERSION,
      metricsRegistry: metrics,
      extraTopics: opts.extraTopics
    })
    const defaultUi = join(packageRoot(), 'webui', 'dist')
    const webuiDir = opts.webuiDir ?? (existsSync(join(defaultUi, 'index.html')) ? defaultUi : undefined)
    let node: RynusNode | undefined
    const api = new ApiServer(
      {
        host: config.api.host,
        port: config.api.port,
        token,
        webuiDir,
        greeting: () => (node !== undefined ? [{ type: 'status', status: node.status() }] : []),
        metrics:
          metrics !== undefined
            ? async () => ({ contentType: metrics.contentType, body: await metrics.metrics() })
            : undefined
      },
      { logger: log.child('api') }
    )
    node = new RynusNode(opts, { log, datastore, privateKey, libp2p, api, metrics })
    registerNodeRoutes(api, node)
    const started = node
    registerJobRoutes(api, {
      dataDir,
      get requester() {
        return started.requester
      },
      assets: () => started.assets
    })
    registerAssetRoutes(api, { assets: () => started.assets, busy: () => started.jobsUnderWay() })
    registerWorkerRoutes(api, { dataDir, worker: () => started.worker })
    registerWalletRoutes(api, { dataDir, settlement: () => started.settlement })
    registerPinRoutes(api, { sharing: () => started.sharing })
    return node
  }

  /** The node's content-addressed store (helia with bitswap on this libp2p). Available after start(). */
  get helia(): Helia {
    if (this.heliaNode === undefined) throw new Error('the node is not started')
    return this.heliaNode.helia
  }

  get peerId(): PeerId {
    return this.libp2p.peerId
  }

  /** Aborted when the node begins to stop; long-running work should listen to it. */
  get signal(): AbortSignal {
    return this.shutdown.signal
  }

  async start(): Promise<void> {
    try {
      await this.datastore.open()
      this.started.push({ name: 'datastore', stop: () => this.datastore.close() })

      await this.startLibp2p()
      this.started.push({ name: 'libp2p', stop: () => this.libp2p.stop() })
      this.watchPeers()

      if (!this.bare) await this.startServices()

      const keeper = new BootstrapKeeper(this.config.bootstrap, {
        libp2p: this.libp2p,
        logger: this.log.child('bootstrap')
      })
      keeper.start()
      this.started.push({ name: 'bootstrap', stop: () => keeper.stop() })

      const profile = new RecordPublisher(
        {
          kind: PROFILE_KIND,
          ttlMs: PROFILE_TTL_MS,
          retryMs: 2_000,
          payload: () =>
            encodeProfile({
              roles: this.config.roles,
              version: RYNUS_VERSION,
              startedAt: BigInt(this.startedAt.getTime())
            })
        },
        {
          privateKey: this.privateKey,
          peerId: this.peerId,
          dht: this.libp2p.services.dht,
          logger: this.log.child('profile')
        }
      )
      profile.start()
      this.started.push({ name: 'profile', stop: () => profile.stop() })

      await this.api.start()
      this.started.push({ name: 'api', stop: () => this.api.stop() })
    } catch (err) {
      await this.stop()
      throw err
    }
    this.startedAt = new Date()
    this.log.info('node started', { peerId: this.peerId.toString(), roles: this.config.roles.join(',') })
    this.reportReachability()
  }

  /** Stops everything in reverse start order; safe to call twice. */
  async stop(): Promise<void> {
    this.shutdown.abort()
    while (this.started.length > 0) {
      const part = this.started.pop()!
      try {
        await part.stop()
      } catch (err) {
        this.log.warn('error while stopping', { part: part.name, error: describeError(err) })
      }
    }
  }

  status(): NodeStatus {
    return {
      peerId: this.peerId.toString(),
      addresses: this.libp2p.getMultiaddrs().map((a) => a.toString()),
      roles: this.config.roles,
      reachability: this.reachability(),
      versions: versions(),
      startedAt: this.startedAt.toISOString(),
      uptimeSeconds: Math.round((Date.now() - this.startedAt.getTime()) / 1000),
      connections: this.libp2p.getConnections().length,
      dataDir: this.dataDir
    }
  }

  reachability(): Reachability {
    return classifyReachability(this.libp2p.getMultiaddrs(), {
      superPeer: this.config.roles.includes('super-peer'),
      relayClient: this.config.relayClient
    })
  }

  async peers(): Promise<PeerSummary[]> {
    return peerSummaries(this.libp2p)
  }

  /** Signs `payload` as this peer's record of `kind` and stores it in the DHT. */
  async putRecord(kind: string, payload: Uint8Array, ttlMs: number): Promise<void> {
    await putRecord(this.libp2p, this.privateKey, { kind, payload, ttlMs }, this.shutdown.signal)
  }

  /** Data store, the protocols both roles speak, then the roles themselves. */
  private async startServices(): Promise<void> {
    const data = await createNodeHelia({
      libp2p: this.libp2p,
      dataDir: this.dataDir,
      logger: this.log.child('data')
    })
    this.heliaNode = data
    this.started.push({ name: 'helia', stop: () => data.stop() })
    const assets = new AssetStore(
      { dataDir: this.dataDir, quotaBytes: this.config.storage.quotaBytes },
      { helia: data.helia, logger: this.log.child('assets') }
    )
    await assets.start()
    assets.events.on('progress', (p) => this.api.broadcast({ type: 'asset', ...p }))
    this.assets = assets
    this.started.push({ name: 'assets', stop: () => assets.stop() })
    const settlement = await openSettlement({
      dataDir: this.dataDir,
      config: this.config.chain,
      logger: this.log.child('chain')
    })
    if (settlement !== undefined) {
      await settlement.start()
      this.settlement = settlement
      this.started.push({ name: 'settlement', stop: () => settlement.stop() })
    }
    const roles = await startRoles(
      {
        config: this.config,
        dataDir: this.dataDir,
        libp2p: this.libp2p,
        helia: data.helia,
        privateKey: this.privateKey,
        settlement: this.settlement,
        metrics: this.metrics,
        logger: this.log
      },
      (part) => this.started.push(part)
    )
    this.worker = roles.worker
    this.requester = roles.requester
    this.requester?.jobs.events.on('job', (event) => this.api.broadcast({ type: `job:${event.type}`, event }))
    this.sharing = await startSharing(
      {
        config: this.config,
        dataDir: this.dataDir,
        libp2p: this.libp2p,
        helia: data.helia,
        requester: this.requester,
        logger: this.log
      },
      (part) => this.started.push(part)
    )
  }

  /** Jobs this node requested and tasks it runs that are not finished, in words; undefined when none. */
  async jobsUnderWay(): Promise<string | undefined> {
    const finished = ['completed', 'failed', 'cancelled']
    const jobs = ((await this.requester?.list()) ?? []).filter((j) => !finished.includes(j.state)).length
    const tasks = this.worker?.tasks().length ?? 0
    const parts = [
      ...(jobs > 0 ? [`${jobs} job${jobs === 1 ? ' is' : 's are'} under way`] : []),
      ...(tasks > 0 ? [`${tasks} task${tasks === 1 ? ' is' : 's are'} running on this worker`] : [])
    ]
    return parts.length > 0 ? parts.join(' and ') : undefined
  }

  /** A peer's profile (roles, version) from the DHT, verified; undefined when none is found in time. */
  async lookupProfile(peerId: PeerId, timeoutMs = 10_000): Promise<NodeProfile | undefined> {
    return lookupProfile(
      this.libp2p,
      peerId,
      AbortSignal.any([this.shutdown.signal, AbortSignal.timeout(timeoutMs)]),
      this.log
    )
  }

  private async startLibp2p(): Promise<void> {
    try {
      await this.libp2p.start()
    } catch (err) {
      const text = `${describeError(err)} ${describeError((err as { cause?: unknown }).cause)}`
      if (text.includes('EADDRINUSE') || /could not listen/i.test(text)) {
        throw new PortInUseError(
          `cannot listen on ${this.config.listen.join(', ')}: the port is already in use by another program; ` +
            'stop it or pass --listen with a free port (e.g. /ip4/0.0.0.0/tcp/4111)',
          { cause: err }
        )
      }
      throw err
    }
  }

  private watchPeers(): void {
    const onConnect = (evt: CustomEvent<PeerId>): void => {
      this.api.broadcast({
        type: 'peer:connect',
        peerId: evt.detail.toString(),
        at: new Date().toISOString()
      })
    }
    const onDisconnect = (evt: CustomEvent<PeerId>): void => {
      this.api.broadcast({
        type: 'peer:disconnect',
        peerId: evt.detail.toString(),
        at: new Date().toISOString()
      })
    }
    const onSelfUpdate = (): void => this.reportReachability()
    this.libp2p.addEventListener('peer:connect', onConnect)
    this.libp2p.addEventListener('peer:disconnect', onDisconnect)
    this.libp2p.addEventListener('self:peer:update', onSelfUpdate)
    this.started.push({
      name: 'peer events',
      stop: () => {
        this.libp2p.removeEventListener('peer:connect', onConnect)
        this.libp2p.removeEventListener('peer:disconnect', onDisconnect)
        this.libp2p.removeEventListener('self:peer:update', onSelfUpdate)
      }
    })
  }

  private reportReachability(): void {
    if (this.started.length === 0 || this.shutdown.signal.aborted) return
    const r = this.reachability()
    if (r.status === this.lastReachability) return
    this.lastReachability = r.status
    this.log.info(`reachability: ${r.summary}`, { status: r.status })
    for (const line of r.advice) this.log.info(`  to fix: ${line}`)
    this.api.broadcast({ type: 'status', status: this.status() })
  }
}
