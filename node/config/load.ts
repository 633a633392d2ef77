import { readFile } from 'node:fs/promises'
import { isIP } from 'node:net'
import { join } from 'node:path'
import { multiaddr } from '@multiformats/multiaddr'
import { isAddress } from 'ethers'
import { describeError } from '../../protocols/common/errors.js'
import { parseAllowedHours } from '../../scheduler/allowed-hours.js'
import { defaultConfig, type NodeConfig, ROLES } from './config.js'
import { ConfigError } from './errors.js'
import { checkSharing } from './sharing.js'

export const CONFIG_FILE = 'config.json'

export function configPath(dataDir: string): string {
  return join(dataDir, CONFIG_FILE)
}

type Plain = Record<string, unknown>

function isPlain(v: unknown): v is Plain {
  return typeof v === 'object' && v !== null && !Array.isArray(v)
}

/** Deep-merges `over` onto `base`; arrays and scalars replace, objects merge. Unknown keys are errors. */
export function mergeConfig(base: Plain, over: Plain, where: string, prefix = ''): Plain {
  const out: Plain = { ...base }
  for (const [key, value] of Object.entries(over)) {
    const name = prefix + key
    if (!(key in base)) {
      throw new ConfigError(
        `${where}: unknown setting "${name}"; remove it (see \`rynus-node start --help\`)`
      )
    }
    out[key] = isPlain(base[key]) && isPlain(value) ? mergeConfig(base[key], value, where, `${name}.`) : value
  }
  return out
}

/** Reads `<dataDir>/config.json`; undefined when the file does not exist. */
export async function readConfigFile(dataDir: string): Promise<Plain | undefined> {
  const file = configPath(dataDir)
  let text: string
  try {
    text = await readFile(file, 'utf8')
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined
    throw new ConfigError(`cannot read ${file}: ${describeError(err)}`)
  }
  try {
    const parsed: unknown = JSON.parse(text)
    if (!isPlain(parsed)) throw new Error('the top level must be an object')
    return parsed
  } catch (err) {
    throw new ConfigError(
      `${file} is not valid JSON (${describeError(err)}); fix it or delete it and run \`rynus-node init\``
    )
  }
}

function checkMultiaddr(value: unknown, setting: string): void {
  if (typeof value !== 'string')
    throw new ConfigError(`${setting} must be a multiaddr string, got ${JSON.stringify(value)}`)
  try {
    multiaddr(value)
  } catch {
    throw new ConfigError(
      `${setting} has a bad multiaddr "${value}"; write it like /ip4/0.0.0.0/tcp/4101 or /ip4/127.0.0.1/tcp/4101/ws`
    )
  }
}

function checkList(value: unknown, setting: string): asserts value is string[] {
  if (!Array.isArray(value)) throw new ConfigError(`${setting} must be a list of multiaddrs`)
}

function checkPositiveInt(value: unknown, setting: string): void {
  if (!Number.isInteger(value) || (value as number) <= 0) {
    throw new ConfigError(`${setting} must be a positive whole number, got ${JSON.stringify(value)}`)
  }
}

function checkWorker(cfg: NodeConfig): void {
  const w = cfg.worker
  if (typeof w?.priceFloorPerUnit !== 'string' || !/^\d{1,40}$/.test(w.priceFloorPerUnit)) {
    throw new ConfigError(
      `worker.priceFloorPerUnit must be a whole number of token base units as a string, e.g. "1000000000000000", got ${JSON.stringify(w?.priceFloorPerUnit)}`
    )
  }
  if (!Number.isInteger(w.slots) || w.slots < 1 || w.slots > 64) {
    throw new ConfigError(`worker.slots must be between 1 and 64, got ${JSON.stringify(w.slots)}`)
  }
  if (!Array.isArray(w.allowedHours))
    throw new ConfigError('worker.allowedHours must be a list like ["22:00-07:00"]')
  try {
    parseAllowedHours(w.allowedHours)
  } catch (err) {
    throw new ConfigError(`worker.allowedHours: ${describeError(err)}`)
  }
  if (typeof w.markupPercent !== 'number' || w.markupPercent < 0 || w.markupPercent > 1000) {
    throw new ConfigError('worker.markupPercent must be a number from 0 to 1000')
  }
  if (typeof w.region !== 'string' || !/^[a-z0-9-]{0,32}$/.test(w.region)) {
    throw new ConfigError('worker.region must be a short lowercase word like "eu-west", or empty')
  }
  checkPositiveInt(w.taskTimeoutMs, 'worker.taskTimeoutMs')
  if (typeof w.paused !== 'boolean') throw new ConfigError('worker.paused must be true or false')
}

function checkChain(cfg: NodeConfig): void {
  const c = cfg.chain
  if (typeof c?.rpcUrl !== 'string' || (c.rpcUrl !== '' && !/^(https?|wss?):\/\/[^\s]+$/.test(c.rpcUrl))) {
    throw new ConfigError(
      `chain.rpcUrl must be an http(s) or ws(s) URL such as http://127.0.0.1:8545, or '' to turn settlement off, got ${JSON.stringify(c?.rpcUrl)}`
    )
  }
  for (const k of ['token', 'registry', 'market'] as const) {
    if (typeof c[k] !== 'string' || (c[k] !== '' && !isAddress(c[k]))) {
      throw new ConfigError(
        `chain.${k} must be a contract address like 0x5FbDB2315678afecb367f032d93F642f64180aa3, got ${JSON.stringify(c[k])}`
      )
    }
  }
  if (!Number.isInteger(c.chainId) || c.chainId < 0) {
    throw new ConfigError(
      `chain.chainId must be a whole number such as 31337, got ${JSON.stringify(c.chainId)}`
    )
  }
  if (!Number.isInteger(c.deployBlock) || c.deployBlock < 0) {
    throw new ConfigError(
      `chain.deployBlock must be a block number (0 or more), got ${JSON.stringify(c.deployBlock)}`
    )
  }
  if (!Number.isInteger(c.confirmations) || c.confirmations < 1 || c.confirmations > 64) {
    throw new ConfigError(
      `chain.confirmations must be between 1 and 64, got ${JSON.stringify(c.confirmations)}`
    )
  }
  if (typeof c.passphraseFile !== 'string')
    throw new ConfigError('chain.passphraseFile must be a file path or empty')
  if (c.rpcUrl === '') return
  if (c.chainId === 0)
    throw new ConfigError('chain.chainId must be set when chain.rpcUrl is set (31337 for anvil)')
  for (const k of ['token', 'registry', 'market'] as const) {
    if (c[k] === '')
      throw new ConfigError(`chain.${k} must be set when chain.rpcUrl is set (--chain-${k} <address>)`)
  }
}

/** Checks every value; throws a ConfigError naming the first bad setting and how to fix it. */
export function validateConfig(cfg: NodeConfig): NodeConfig {
  if (!Array.isArray(cfg.roles) || cfg.roles.length === 0) {
    throw new ConfigError(`roles must list at least one of ${ROLES.join(', ')}`)
  }
  for (const role of cfg.roles) {
    if (!(ROLES as readonly string[]).includes(role)) {
      throw new ConfigError(`roles: unknown role "${role}"; use ${ROLES.join(', ')}`)
    }
  }
  checkList(cfg.listen, 'listen')
  cfg.listen.forEach((a) => {
    checkMultiaddr(a, 'listen')
  })
  checkList(cfg.announce, 'announce')
  cfg.announce.forEach((a) => {
    checkMultiaddr(a, 'announce')
  })
  checkList(cfg.bootstrap, 'bootstrap')
  for (const a of cfg.bootstrap) {
    checkMultiaddr(a, 'bootstrap')
    if (
      multiaddr(a)
        .getComponents()
        .find((c) => c.name === 'p2p') === undefined
    ) {
      throw new ConfigError(`bootstrap address "${a}" has no /p2p/<peer id>; append the super-peer's peer id`)
    }
  }
  if (typeof cfg.api?.host !== 'string' || isIP(cfg.api.host) === 0) {
    throw new ConfigError(
      `api.host must be an IP address such as 127.0.0.1, got ${JSON.stringify(cfg.api?.host)}`
    )
  }
  if (!Number.isInteger(cfg.api.port) || cfg.api.port < 0 || cfg.api.port > 65535) {
    throw new ConfigError(
      `api.port must be a port number between 0 and 65535, got ${JSON.stringify(cfg.api.port)}`
    )
  }
  if (!['debug', 'info', 'warn', 'error'].includes(cfg.log?.level)) {
    throw new ConfigError(
      `log.level must be one of debug, info, warn, error, got ${JSON.stringify(cfg.log?.level)}`
    )
  }
  if (!['auto', 'server', 'client'].includes(cfg.dht?.mode)) {
    throw new ConfigError(`dht.mode must be auto, server or client, got ${JSON.stringify(cfg.dht?.mode)}`)
  }
  if (typeof cfg.dht.privateAddresses !== 'boolean')
    throw new ConfigError('dht.privateAddresses must be true or false')
  checkWorker(cfg)
  checkChain(cfg)
  const quota = cfg.storage?.quotaBytes
  if (!Number.isSafeInteger(quota) || quota < 0) {
    throw new ConfigError(
      `storage.quotaBytes must be a whole number of bytes (0 = unlimited), e.g. 53687091200 for 50 GiB, got ${JSON.stringify(quota)}`
    )
  }
  checkSharing(cfg)
  for (const [k, v] of Object.entries(cfg.requester ?? {})) checkPositiveInt(v, `requester.${k}`)
  for (const [k, v] of Object.entries(cfg.limits ?? {})) checkPositiveInt(v, `limits.${k}`)
  for (const k of ['mdns', 'relayClient', 'metrics'] as const) {
    if (typeof cfg[k] !== 'boolean') throw new ConfigError(`${k} must be true or false`)
  }
  return cfg
}

/** defaults ← config file ← environment ← flags, then validated. */
export async function loadConfig(
  dataDir: string,
  overrides: Array<{ where: string; values: Partial<NodeConfig> }> = []
): Promise<NodeConfig> {
  let merged: Plain = defaultConfig() as unknown as Plain
  const file = await readConfigFile(dataDir)
  if (file !== undefined) merged = mergeConfig(merged, file, configPath(dataDir))
  for (const o of overrides) merged = mergeConfig(merged, o.values as Plain, o.where)
  return validateConfig(merged as unknown as NodeConfig)
}
