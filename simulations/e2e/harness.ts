import { spawn } from 'node:child_process'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { defaultConfig, type NodeConfig } from '../../node/config/config.js'
import { validateConfig } from '../../node/config/load.js'
import { createLogger } from '../../node/logger.js'
import { NODE_RUNTIME_FLAGS } from '../../node/runtime-flags.js'
import { RynusNode } from '../../node/rynus-node.js'
import type { Logger, LogLevel } from '../../protocols/common/logger.js'
import { silentLogger } from '../../protocols/common/logger.js'

export interface TestNodeOptions {
  roles?: NodeConfig['roles']
  bootstrap?: string[]
  /** Listen addresses; default one TCP port on 127.0.0.1. `[]` makes a node only reachable via relay. */
  listen?: string[]
  dataDir?: string
  extraTopics?: string[]
  logger?: Logger
  metrics?: boolean
  heartbeatTimeoutMs?: number
  /** Only libp2p + API, for tests that put their own protocol services on the node. */
  bare?: boolean
  /** Settlement on this chain (see node/devnet/chain-service.ts for making one). */
  chain?: NodeConfig['chain']
  /** storage.quotaBytes (default 0: unlimited). */
  storageQuotaBytes?: number
  /** Last changes to the config before it is validated (settings without an option here). */
  configure?: (cfg: NodeConfig) => void
}

/** Config for a node on loopback: free ports, DHT server, private addresses allowed. */
export function loopbackConfig(opts: TestNodeOptions = {}): NodeConfig {
  const cfg = defaultConfig()
  cfg.roles = opts.roles ?? ['worker', 'requester']
  cfg.listen = opts.listen ?? ['/ip4/127.0.0.1/tcp/0']
  cfg.bootstrap = opts.bootstrap ?? []
  cfg.api = { host: '127.0.0.1', port: 0 }
  cfg.dht = { mode: 'server', privateAddresses: true }
  cfg.limits.inboundConnectionsPerSecondPerHost = 1000
  cfg.log.level = 'warn'
  cfg.metrics = opts.metrics ?? false
  if (opts.chain !== undefined) cfg.chain = opts.chain
  if (opts.storageQuotaBytes !== undefined) cfg.storage.quotaBytes = opts.storageQuotaBytes
  // small networks in tests: decide fast, notice a dead worker fast
  cfg.requester = { bidWindowMs: 800, heartbeatTimeoutMs: opts.heartbeatTimeoutMs ?? 30_000 }
  opts.configure?.(cfg)
  return validateConfig(cfg)
}

const dirs: string[] = []

export async function tempDataDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'rynus-test-'))
  dirs.push(dir)
  return dir
}

export async function removeTempDirs(): Promise<void> {
  await Promise.all(dirs.splice(0).map((d) => rm(d, { recursive: true, force: true })))
}

export async function startTestNode(opts: TestNodeOptions = {}): Promise<RynusNode> {
  const node = await RynusNode.create({
    dataDir: opts.dataDir ?? (await tempDataDir()),
    config: loopbackConfig(opts),
    // RYNUS_TEST_LOG=debug|info shows the nodes' logs while debugging a test
    logger:
      opts.logger ??
      (process.env.RYNUS_TEST_LOG !== undefined
        ? createLogger({ level: process.env.RYNUS_TEST_LOG as LogLevel, json: false })
        : silentLogger),
    extraTopics: opts.extraTopics,
    bare: opts.bare
  })
  await node.start()
  return node
}

/** The first TCP address of a node with its /p2p suffix, for bootstrap lists. */
export function dialAddress(node: RynusNode): string {
  const addr = node.libp2p
    .getMultiaddrs()
    .find((a) => a.toString().includes('/tcp/') && !a.toString().includes('/ws'))
  if (addr === undefined) throw new Error(`node ${node.peerId.toString()} has no TCP address`)
  return addr.toString()
}

/** Polls `check` until it returns true or `timeoutMs` passes; returns whether it succeeded. */
export async function waitFor(
  check: () => boolean | Promise<boolean>,
  timeoutMs = 15_000,
  stepMs = 100
): Promise<boolean> {
  const end = Date.now() + timeoutMs
  while (Date.now() < end) {
    if (await check()) return true
    await new Promise((r) => setTimeout(r, stepMs))
  }
  return check()
}

/** How many peers are in a node's DHT routing table (kad-dht keeps it off its public type). */
export function routingTableSize(node: RynusNode): number {
  return (node.libp2p.services.dht as unknown as { routingTable: { size: number } }).routingTable.size
}

/** The compiled `rynus-node` entry point. */
export const CLI_BIN = fileURLToPath(new URL('../../node/bin.js', import.meta.url))

export interface CliRun {
  code: number | null
  stdout: string
  stderr: string
}

/** Runs the real `rynus-node` CLI in its own process (logs at warn) and collects its output. */
export function runCli(args: string[]): Promise<CliRun> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [...NODE_RUNTIME_FLAGS, CLI_BIN, ...args], {
      env: { ...process.env, RYNUS_LOG_LEVEL: 'warn' }
    })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString()
    })
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString()
    })
    child.on('close', (code) => resolve({ code, stdout, stderr }))
  })
}
