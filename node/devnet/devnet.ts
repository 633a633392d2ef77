import { type ChildProcess, spawn } from 'node:child_process'
import { createWriteStream } from 'node:fs'
import { readFile, writeFile } from 'node:fs/promises'
import { createServer } from 'node:net'
import { join } from 'node:path'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { RynusError } from '../../protocols/common/errors.js'
import type { Logger } from '../../protocols/common/logger.js'
import type { NodeConfig } from '../config/config.js'
import { configPath } from '../config/load.js'
import { API_TOKEN_FILE, ensureDataDir, loadOrCreateApiToken, loadOrCreatePeerKey } from '../data-dir.js'
import { NODE_RUNTIME_FLAGS } from '../runtime-flags.js'
import { DEVNET_NODES, type DevnetNodeSpec, devnetConfig } from './plan.js'

export interface DevnetOptions {
  baseDir: string
  /** Path of the compiled CLI (dist/node/bin.js). */
  binPath: string
  /** Extra processes and setup steps (a chain, contracts…), started before the nodes. */
  services?: DevnetService[]
  logger: Logger
  /** How long to wait for every node to see every other. */
  connectTimeoutMs?: number
}

export interface DevnetNode {
  spec: DevnetNodeSpec
  dataDir: string
  peerId: string
  token: string
  apiBase: string
  process?: ChildProcess
}

/**
 * Something the devnet runs besides the nodes. Started after the node identities exist and
 * before any node starts (so it can fund them or put addresses into their configs), stopped
 * after the nodes.
 */
export interface DevnetService {
  name: string
  start(ctx: { baseDir: string; nodes: DevnetNode[]; logger: Logger }): Promise<void>
  /** Adjusts a node's config before it is written. */
  configure?(node: DevnetNode, config: NodeConfig): void | Promise<void>
  /** Lines for the summary the devnet prints once up. */
  summary?(): string[]
  stop(): Promise<void>
}

export class DevnetError extends RynusError {
  constructor(message: string) {
    super(message, 'ERR_DEVNET')
  }
}

async function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const srv = createServer()
    srv.once('error', () => resolve(false))
    srv.listen(port, '127.0.0.1', () => srv.close(() => resolve(true)))
  })
}

async function api<T>(node: DevnetNode, path: string): Promise<T | undefined> {
  try {
    const res = await fetch(`${node.apiBase}/api/v1${path}`, {
      headers: { authorization: `Bearer ${node.token}` },
      signal: AbortSignal.timeout(2_000)
    })
    return res.ok ? ((await res.json()) as T) : undefined
  } catch {
    return undefined
  }
}

/**
 * A whole local network in one command: prepares each node's data dir and config (same
 * identities every run), starts each as its own process, and waits until all are connected.
 */
export class Devnet {
  readonly nodes: DevnetNode[] = []
  private readonly opts: DevnetOptions
  private stopping = false
  private readonly startedServices: DevnetService[] = []
  private readonly exited: Array<(node: DevnetNode, code: number | null) => void> = []

  constructor(opts: DevnetOptions) {
    this.opts = opts
  }

  /** Data dirs, identities and configs. The super-peer comes first: everyone bootstraps from it. */
  async prepare(): Promise<void> {
    for (const spec of DEVNET_NODES) {
      const dataDir = join(this.opts.baseDir, spec.name)
      await ensureDataDir(dataDir)
      const peerId = peerIdFromPrivateKey(await loadOrCreatePeerKey(dataDir)).toString()
      const token = await loadOrCreateApiToken(dataDir)
      this.nodes.push({ spec, dataDir, peerId, token, apiBase: `http://127.0.0.1:${spec.apiPort}` })
    }
    for (const service of this.opts.services ?? []) {
      this.opts.logger.info(`starting ${service.name}`)
      await service.start({ baseDir: this.opts.baseDir, nodes: this.nodes, logger: this.opts.logger })
      this.startedServices.push(service)
    }
    const superPeer = this.nodes.find((n) => n.spec.roles.includes('super-peer'))
    const superPeerAddr =
      superPeer !== undefined
        ? `/ip4/127.0.0.1/tcp/${superPeer.spec.tcpPort}/p2p/${superPeer.peerId}`
        : undefined
    for (const node of this.nodes) {
      const config = devnetConfig(node.spec, superPeerAddr)
      for (const service of this.startedServices) await service.configure?.(node, config)
      await writeFile(configPath(node.dataDir), `${JSON.stringify(config, null, 2)}\n`)
    }
    for (const { spec } of this.nodes) {
      const gateway = spec.gatewayPort !== undefined ? [spec.gatewayPort] : []
      for (const port of [spec.tcpPort, spec.wsPort, spec.apiPort, ...gateway]) {
        if (!(await portFree(port))) {
          throw new DevnetError(
            `port ${port} (${spec.name}) is already in use; is another devnet running? Stop it (Ctrl-C) or free the port`
          )
        }
      }
    }
  }

  /** Starts the super-peer first (everyone bootstraps from it), then the rest; resolves once each answers on its API. */
  async start(): Promise<void> {
    const first = this.nodes.filter((n) => n.spec.roles.includes('super-peer'))
    const rest = this.nodes.filter((n) => !first.includes(n))
    for (const group of [first, rest]) {
      for (const node of group) this.spawnNode(node)
      await Promise.all(group.map((node) => this.waitApi(node)))
    }
  }

  private spawnNode(node: DevnetNode): void {
    const log = createWriteStream(join(node.dataDir, 'node.log'), { flags: 'a' })
    const child = spawn(
      process.execPath,
      [...NODE_RUNTIME_FLAGS, this.opts.binPath, 'start', '--data-dir', node.dataDir],
      {
        stdio: ['ignore', 'pipe', 'pipe'],
        env: { ...process.env, RYNUS_LOG_LEVEL: process.env.RYNUS_LOG_LEVEL ?? 'info' }
      }
    )
    child.stdout.pipe(log)
    child.stderr.pipe(log)
    const lastLines: string[] = []
    child.stderr.on('data', (d: Buffer) => {
      lastLines.push(...d.toString().trim().split('\n'))
      lastLines.splice(0, Math.max(0, lastLines.length - 3))
    })
    child.once('exit', (code) => {
      if (!this.stopping) {
        this.opts.logger.error(`${node.spec.name} exited unexpectedly`, { code, last: lastLines.join(' | ') })
      }
      for (const fn of this.exited) fn(node, code)
    })
    node.process = child
  }

  private async waitApi(node: DevnetNode): Promise<void> {
    const end = Date.now() + 30_000
    while ((await api(node, '/status')) === undefined) {
      if (node.process?.exitCode !== null) {
        throw new DevnetError(`${node.spec.name} failed to start; see ${join(node.dataDir, 'node.log')}`)
      }
      if (Date.now() > end)
        throw new DevnetError(`${node.spec.name} did not answer on ${node.apiBase} within 30 s`)
      await new Promise((r) => setTimeout(r, 100))
    }
  }

  /** Waits until every node is connected to every other one. */
  async waitConnected(): Promise<void> {
    const want = this.nodes.length - 1
    const end = Date.now() + (this.opts.connectTimeoutMs ?? 60_000)
    for (;;) {
      const counts = await Promise.all(
        this.nodes.map(async (n) => {
          const body = await api<{ peers: Array<{ peerId: string }> }>(n, '/peers')
          const ids = new Set(body?.peers.map((p) => p.peerId) ?? [])
          return this.nodes.filter((o) => o !== n && ids.has(o.peerId)).length
        })
      )
      if (counts.every((c) => c >= want)) return
      if (Date.now() > end) {
        throw new DevnetError(
          `nodes did not all connect within the timeout (peers seen: ${counts.join(', ')})`
        )
      }
      await new Promise((r) => setTimeout(r, 200))
    }
  }

  /** Calls `fn` when a node process exits while the devnet is not stopping. */
  onUnexpectedExit(fn: (node: DevnetNode) => void): void {
    this.exited.push((node) => {
      if (!this.stopping) fn(node)
    })
  }

  /** From now on node exits are expected (Ctrl-C reaches the whole process group). */
  markStopping(): void {
    this.stopping = true
  }

  /** Stops the nodes in reverse order: SIGTERM, then SIGKILL after 10 s. */
  async stop(): Promise<void> {
    this.stopping = true
    for (const node of [...this.nodes].reverse()) {
      const child = node.process
      if (child === undefined || child.exitCode !== null || child.signalCode !== null) continue
      const done = new Promise<void>((resolve) => child.once('exit', () => resolve()))
      child.kill('SIGTERM')
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000)
      await done
      clearTimeout(timer)
    }
    while (this.startedServices.length > 0) {
      const service = this.startedServices.pop()!
      await service.stop().catch((err: unknown) => {
        this.opts.logger.warn(`stopping ${service.name} failed`, { error: String(err) })
      })
    }
  }

  /** Summary lines of every service. */
  serviceSummary(): string[] {
    return this.startedServices.flatMap((s) => s.summary?.() ?? [])
  }

  /** The super-peer's trustless HTTP gateway, e.g. http://127.0.0.1:4380; undefined when none runs one. */
  gatewayUrl(): string | undefined {
    const port = this.nodes.find((n) => n.spec.gatewayPort !== undefined)?.spec.gatewayPort
    return port === undefined ? undefined : `http://127.0.0.1:${port}`
  }

  requester(): DevnetNode {
    const node = this.nodes.find((n) => n.spec.roles.includes('requester'))
    if (node === undefined) throw new DevnetError('the devnet plan has no requester')
    return node
  }

  /** The token is read back from disk so what we print is what the node uses. */
  async uiUrl(node: DevnetNode): Promise<string> {
    const token = (await readFile(join(node.dataDir, API_TOKEN_FILE), 'utf8')).trim()
    return `${node.apiBase}/#token=${token}`
  }
}
