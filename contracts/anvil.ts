import { type ChildProcess, spawn } from 'node:child_process'
import { existsSync } from 'node:fs'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { request } from 'node:http'
import { createRequire } from 'node:module'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { JsonRpcProvider } from 'ethers'
import type { Logger } from '../protocols/common/logger.js'
import { silentLogger } from '../protocols/common/logger.js'
import { AnvilError } from './errors.js'

/** anvil's well-known development mnemonic: its accounts are public, never use them for real money. */
export const ANVIL_MNEMONIC = 'test test test test test test test test test test test junk'
export const ANVIL_CHAIN_ID = 31337

const START_TIMEOUT_MS = 20_000
const STOP_TIMEOUT_MS = 5_000
const POLL_MS = 50

export interface AnvilOptions {
  /** TCP port on 127.0.0.1; a free one is picked when omitted. */
  port?: number
  /** Seconds between blocks; when omitted every transaction is mined at once. */
  blockTime?: number
  /** How many funded accounts (default 10). */
  accounts?: number
  /** Ether in each account (default 10000). */
  balanceEth?: number
  chainId?: number
  logger?: Logger
}

export interface Anvil {
  rpcUrl: string
  chainId: number
  /** Private keys of the funded accounts (derived from ANVIL_MNEMONIC). */
  accounts: string[]
  stop(): Promise<void>
}

/** Starts anvil from the npm package on 127.0.0.1 and resolves once it answers JSON-RPC. */
export async function startAnvil(opts: AnvilOptions = {}): Promise<Anvil> {
  // A port picked here can be taken by someone else before anvil binds it: then pick another.
  for (let attempt = 1; ; attempt++) {
    try {
      return await launch(opts.port ?? (await freePort()), opts)
    } catch (err) {
      if (opts.port !== undefined || attempt >= 3 || !(err instanceof EarlyExit)) throw err
    }
  }
}

class EarlyExit extends AnvilError {}

async function launch(port: number, opts: AnvilOptions): Promise<Anvil> {
  const log = (opts.logger ?? silentLogger).child('anvil')
  const chainId = opts.chainId ?? ANVIL_CHAIN_ID
  const count = opts.accounts ?? 10
  // anvil writes this file only once it has bound its port: proof that the chain answering on
  // the port is this child and not some other process that holds it.
  const dir = await mkdtemp(join(tmpdir(), 'rynus-anvil-'))
  const configFile = join(dir, 'anvil.json')
  const args = ['--host', '127.0.0.1', '--port', String(port), '--silent', '--chain-id', String(chainId)]
  args.push('--accounts', String(count), '--balance', String(opts.balanceEth ?? 10_000))
  args.push('--mnemonic', ANVIL_MNEMONIC, '--config-out', configFile)
  if (opts.blockTime !== undefined) args.push('--block-time', String(opts.blockTime))

  const [command, prefix] = anvilCommand()
  const child = spawn(command, [...prefix, ...args], { stdio: ['ignore', 'ignore', 'pipe'] })
  // Never leave a chain running behind a process that exits without calling stop().
  const killOnExit = (): void => {
    child.kill('SIGKILL')
  }
  process.once('exit', killOnExit)
  let stderr = ''
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-2000)
  })
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)))
  const spawnError = new Promise<Error>((resolve) => child.once('error', resolve))
  exited.then(() => {
    process.off('exit', killOnExit)
    return rm(dir, { recursive: true, force: true })
  })

  const rpcUrl = `http://127.0.0.1:${port}`
  const deadline = Date.now() + START_TIMEOUT_MS
  let accounts: string[] | undefined
  while (accounts === undefined) {
    const early = await Promise.race([exited, spawnError, sleep(POLL_MS).then(() => undefined)])
    if (early !== undefined) {
      const why = early instanceof Error ? early.message : `exit code ${early}`
      throw new EarlyExit(
        `anvil exited before answering on ${rpcUrl} (${why}) ${stderr.trim()}. Check that @foundry-rs/anvil is installed and the port is free.`
      )
    }
    accounts = await readKeys(configFile)
    if (accounts !== undefined && !(await answers(rpcUrl))) accounts = undefined
    if (accounts === undefined && Date.now() > deadline) {
      await kill(child, exited)
      throw new AnvilError(
        `anvil did not answer on ${rpcUrl} within ${START_TIMEOUT_MS} ms; is the machine overloaded?`
      )
    }
  }
  log.debug('anvil started', { rpcUrl, pid: child.pid })

  let stopping: Promise<void> | undefined
  return {
    rpcUrl,
    chainId,
    accounts,
    stop: () => {
      stopping ??= kill(child, exited).then(() => log.debug('anvil stopped', { rpcUrl }))
      return stopping
    }
  }
}

/** The private keys from anvil's --config-out file, or undefined until it is written in full. */
async function readKeys(file: string): Promise<string[] | undefined> {
  try {
    const config = JSON.parse(await readFile(file, 'utf8')) as { private_keys?: unknown }
    const keys = config.private_keys
    return Array.isArray(keys) && keys.every((k) => typeof k === 'string') ? (keys as string[]) : undefined
  } catch {
    return undefined
  }
}

/**
 * An ethers provider tuned for a local chain: no request batching (ethers otherwise waits 10 ms
 * to batch), no response caching, fast polling.
 */
export function anvilProvider(anvil: Pick<Anvil, 'rpcUrl' | 'chainId'>): JsonRpcProvider {
  return new JsonRpcProvider(anvil.rpcUrl, anvil.chainId, {
    staticNetwork: true,
    batchMaxCount: 1,
    cacheTimeout: -1,
    pollingInterval: 50
  })
}

/** The platform binary when its package is installed (so stop() ends anvil itself), else the npm wrapper. */
function anvilCommand(): [string, string[]] {
  const require = createRequire(import.meta.url)
  const wrapper = join(dirname(require.resolve('@foundry-rs/anvil/package.json')), 'bin.mjs')
  try {
    const pkg = `@foundry-rs/anvil-${process.platform === 'win32' ? 'win32' : process.platform}-${process.arch === 'x64' ? 'amd64' : process.arch}`
    const binary = join(
      dirname(require.resolve(`${pkg}/package.json`)),
      'bin',
      process.platform === 'win32' ? 'anvil.exe' : 'anvil'
    )
    if (existsSync(binary)) return [binary, []]
  } catch {
    // no platform package: fall back to the wrapper, which finds the binary itself
  }
  return [process.execPath, [wrapper]]
}

/** One eth_chainId request on a connection of its own (a pooled keep-alive socket would hold the process open). */
function answers(rpcUrl: string): Promise<boolean> {
  return new Promise((resolve) => {
    const body = JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'eth_chainId', params: [] })
    const req = request(
      rpcUrl,
      { method: 'POST', agent: false, timeout: 1_000, headers: { 'content-type': 'application/json' } },
      (res) => {
        res.resume()
        res.once('end', () => resolve(res.statusCode === 200))
        res.once('error', () => resolve(false))
      }
    )
    req.once('timeout', () => req.destroy())
    req.once('error', () => resolve(false))
    req.end(body)
  })
}

async function kill(child: ChildProcess, exited: Promise<number | null>): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return
  child.kill('SIGTERM')
  let timer: NodeJS.Timeout | undefined
  const timeout = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => resolve(false), STOP_TIMEOUT_MS)
  })
  const done = await Promise.race([exited.then(() => true), timeout])
  clearTimeout(timer)
  if (!done) {
    child.kill('SIGKILL')
    await exited
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.unref()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const address = server.address()
      const port = typeof address === 'object' && address !== null ? address.port : 0
      server.close(() => resolve(port))
    })
  })
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms))
}
