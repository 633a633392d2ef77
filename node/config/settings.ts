import { type NodeConfig, ROLES, type Role } from './config.js'
import { ConfigError } from './errors.js'

/**
 * One overridable setting: where it lives in the config, its environment variable and flag,
 * and how a string from either becomes a value.
 */
export interface Setting {
  path: string
  env: string
  flag: string
  describe: string
  parse(raw: string, source: string): unknown
}

const list = (raw: string): string[] =>
  raw
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0)

function bool(raw: string, source: string): boolean {
  const v = raw.trim().toLowerCase()
  if (['1', 'true', 'yes', 'on'].includes(v)) return true
  if (['0', 'false', 'no', 'off'].includes(v)) return false
  throw new ConfigError(`${source} must be true or false, got "${raw}"`)
}

function port(raw: string, source: string): number {
  const n = Number(raw)
  if (!Number.isInteger(n) || n < 0 || n > 65535) {
    throw new ConfigError(`${source} must be a port number between 0 and 65535, got "${raw}"`)
  }
  return n
}

function whole(raw: string, source: string): number {
  const n = Number(raw.trim())
  if (!/^\d+$/.test(raw.trim()) || !Number.isSafeInteger(n)) {
    throw new ConfigError(`${source} must be a whole number, got "${raw}"`)
  }
  return n
}

const BYTE_UNITS: Record<string, number> = {
  '': 1,
  b: 1,
  k: 1024,
  kb: 1000,
  kib: 1024,
  m: 1024 ** 2,
  mb: 1000 ** 2,
  mib: 1024 ** 2,
  g: 1024 ** 3,
  gb: 1000 ** 3,
  gib: 1024 ** 3,
  t: 1024 ** 4,
  tb: 1000 ** 4,
  tib: 1024 ** 4
}

/** A byte count: 1073741824, 50GiB, 500MB, 2T (binary for a bare letter). */
export function byteCount(raw: string, source: string): number {
  const m = /^(\d+(?:\.\d+)?)\s*([a-z]*)$/i.exec(raw.trim())
  const unit = m === null ? undefined : BYTE_UNITS[m[2].toLowerCase()]
  const n = m === null || unit === undefined ? Number.NaN : Math.floor(Number(m[1]) * unit)
  if (!Number.isSafeInteger(n)) {
    throw new ConfigError(
      `${source} must be a number of bytes like 53687091200, 50GiB or 500MB, got "${raw}"`
    )
  }
  return n
}

function roles(raw: string, source: string): Role[] {
  const out = list(raw)
  for (const r of out) {
    if (!(ROLES as readonly string[]).includes(r)) {
      throw new ConfigError(
        `${source}: unknown role "${r}"; use a comma-separated list of ${ROLES.join(', ')}`
      )
    }
  }
  return out as Role[]
}

export const SETTINGS: Setting[] = [
  { path: 'roles', env: 'RYNUS_ROLES', flag: 'roles', describe: 'worker,requester,super-peer', parse: roles },
  {
    path: 'listen',
    env: 'RYNUS_LISTEN',
    flag: 'listen',
    describe: 'comma-separated multiaddrs',
    parse: list
  },
  {
    path: 'announce',
    env: 'RYNUS_ANNOUNCE',
    flag: 'announce',
    describe: 'comma-separated multiaddrs',
    parse: list
  },
  {
    path: 'bootstrap',
    env: 'RYNUS_BOOTSTRAP',
    flag: 'bootstrap',
    describe: 'comma-separated /p2p multiaddrs',
    parse: list
  },
  { path: 'mdns', env: 'RYNUS_MDNS', flag: 'mdns', describe: 'true|false', parse: bool },
  {
    path: 'relayClient',
    env: 'RYNUS_RELAY_CLIENT',
    flag: 'relay-client',
    describe: 'true|false',
    parse: bool
  },
  {
    path: 'dht.mode',
    env: 'RYNUS_DHT_MODE',
    flag: 'dht-mode',
    describe: 'auto|server|client',
    parse: (s) => s.trim()
  },
  {
    path: 'dht.privateAddresses',
    env: 'RYNUS_DHT_PRIVATE_ADDRESSES',
    flag: 'dht-private-addresses',
    describe: 'true|false',
    parse: bool
  },
  {
    path: 'api.host',
    env: 'RYNUS_API_HOST',
    flag: 'api-host',
    describe: 'IP address',
    parse: (s) => s.trim()
  },
  { path: 'api.port', env: 'RYNUS_API_PORT', flag: 'api-port', describe: 'port', parse: port },
  { path: 'metrics', env: 'RYNUS_METRICS', flag: 'metrics', describe: 'true|false', parse: bool },
  {
    path: 'log.level',
    env: 'RYNUS_LOG_LEVEL',
    flag: 'log-level',
    describe: 'debug|info|warn|error',
    parse: (s) => s.trim()
  },
  { path: 'log.json', env: 'RYNUS_LOG_JSON', flag: 'log-json', describe: 'true|false', parse: bool },
  {
    path: 'storage.quotaBytes',
    env: 'RYNUS_STORAGE_QUOTA_BYTES',
    flag: 'storage-quota-bytes',
    describe: 'asset storage limit, e.g. 50GiB (0 = none)',
    parse: byteCount
  },
  {
    path: 'chain.rpcUrl',
    env: 'RYNUS_CHAIN_RPC_URL',
    flag: 'chain-rpc-url',
    describe: "settlement JSON-RPC URL ('' = off)",
    parse: (s) => s.trim()
  },
  { path: 'chain.chainId', env: 'RYNUS_CHAIN_ID', flag: 'chain-id', describe: 'chain id', parse: whole },
  {
    path: 'chain.token',
    env: 'RYNUS_CHAIN_TOKEN',
    flag: 'chain-token',
    describe: 'token address',
    parse: (s) => s.trim()
  },
  {
    path: 'chain.registry',
    env: 'RYNUS_CHAIN_REGISTRY',
    flag: 'chain-registry',
    describe: 'worker registry address',
    parse: (s) => s.trim()
  },
  {
    path: 'chain.market',
    env: 'RYNUS_CHAIN_MARKET',
    flag: 'chain-market',
    describe: 'job market address',
    parse: (s) => s.trim()
  },
  {
    path: 'chain.deployBlock',
    env: 'RYNUS_CHAIN_DEPLOY_BLOCK',
    flag: 'chain-deploy-block',
    describe: 'block the market was deployed in',
    parse: whole
  },
  {
    path: 'chain.confirmations',
    env: 'RYNUS_CHAIN_CONFIRMATIONS',
    flag: 'chain-confirmations',
    describe: 'blocks before a tx counts (1 = mined)',
    parse: whole
  },
  {
    path: 'chain.passphraseFile',
    env: 'RYNUS_CHAIN_PASSPHRASE_FILE',
    flag: 'chain-passphrase-file',
    describe: 'file with the wallet passphrase',
    parse: (s) => s.trim()
  },
  {
    path: 'storage.pinOnSuperPeers',
    env: 'RYNUS_PIN_ON_SUPER_PEERS',
    flag: 'pin-on-super-peers',
    describe: 'ask super-peers to keep job data (true|false)',
    parse: bool
  },
  {
    path: 'pinning.maxBytesPerPeer',
    env: 'RYNUS_PIN_MAX_BYTES_PER_PEER',
    flag: 'pin-max-bytes-per-peer',
    describe: 'super-peer: bytes one peer may pin here, e.g. 10GiB',
    parse: byteCount
  },
  { path: 'gateway.enabled', env: 'RYNUS_GATEWAY', flag: 'gateway', describe: 'true|false', parse: bool },
  {
    path: 'gateway.host',
    env: 'RYNUS_GATEWAY_HOST',
    flag: 'gateway-host',
    describe: 'IP address',
    parse: (s) => s.trim()
  },
  { path: 'gateway.port', env: 'RYNUS_GATEWAY_PORT', flag: 'gateway-port', describe: 'port', parse: port }
]

/** Sets `value` at a dotted `path` inside `target`, creating objects on the way. */
export function setPath(target: Record<string, unknown>, path: string, value: unknown): void {
  const parts = path.split('.')
  let obj = target
  for (const part of parts.slice(0, -1)) {
    if (typeof obj[part] !== 'object' || obj[part] === null) obj[part] = {}
    obj = obj[part] as Record<string, unknown>
  }
  obj[parts[parts.length - 1]] = value
}

/** Overrides from `RYNUS_*` environment variables. */
export function overridesFromEnv(env: NodeJS.ProcessEnv): Partial<NodeConfig> {
  const out: Record<string, unknown> = {}
  for (const s of SETTINGS) {
    const raw = env[s.env]
    if (raw !== undefined && raw !== '') setPath(out, s.path, s.parse(raw, `environment variable ${s.env}`))
  }
  return out as Partial<NodeConfig>
}

/** Overrides from command-line flags (already split by the CLI parser; values are strings or booleans). */
export function overridesFromFlags(flags: Record<string, string | boolean | undefined>): Partial<NodeConfig> {
  const out: Record<string, unknown> = {}
  for (const s of SETTINGS) {
    const raw = flags[s.flag]
    if (raw === undefined) continue
    setPath(out, s.path, s.parse(String(raw), `--${s.flag}`))
  }
  return out as Partial<NodeConfig>
}
