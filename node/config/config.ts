import type { LogLevel } from '../../protocols/common/logger.js'

export const ROLES = ['worker', 'requester', 'super-peer'] as const
export type Role = (typeof ROLES)[number]

/** Everything a node needs to start. Written to `<dataDir>/config.json` by `rynus-node init`. */
export interface NodeConfig {
  /** Roles this node plays. Default: worker + requester. */
  roles: Role[]
  /** libp2p listen addresses (TCP and WebSockets). */
  listen: string[]
  /** Addresses announced to peers instead of the listen addresses (e.g. a public IP). Empty: announce what we listen on. */
  announce: string[]
  /** Multiaddrs (with /p2p/<peerId>) of super-peers to bootstrap from. */
  bootstrap: string[]
  /** Find peers on the LAN with mDNS. */
  mdns: boolean
  /** Reach the node through relays (listen on /p2p-circuit). */
  relayClient: boolean
  /**
   * DHT: 'server' answers queries (reachable nodes, super-peers), 'client' only asks,
   * 'auto' is server on super-peers and otherwise switches to server once a public address is confirmed.
   * `privateAddresses` keeps LAN/loopback addresses in DHT answers (a LAN or the devnet).
   */
  dht: { mode: 'auto' | 'server' | 'client'; privateAddresses: boolean }
  /** Local HTTP API. `host` should stay on loopback. */
  api: { host: string; port: number }
  /** Prometheus `/metrics` on the API server (no token needed, loopback only). */
  metrics: boolean
  log: { level: LogLevel; json: boolean }
  /** Worker role: what this node charges and when it works. */
  worker: {
    /** Minimum price of one render unit (a 1-megapixel frame at 128 samples), token base units. */
    priceFloorPerUnit: string
    /** Tasks run at once. */
    slots: number
    /** Local-time windows when the worker takes jobs, e.g. ["22:00-07:00"]; empty = always. */
    allowedHours: string[]
    /** Bid this many percent above the floor-derived price. */
    markupPercent: number
    /** Free-form region hint for requesters, e.g. "eu-west". */
    region: string
    /** Hard limit for one task (render, fetch, upload). */
    taskTimeoutMs: number
    /** Switched off by the operator: no bids, awards declined (running tasks finish). */
    paused: boolean
  }
  /** Requester role: how jobs are placed. */
  requester: {
    /** How long bids are collected after an offer. */
    bidWindowMs: number
    /** A task whose worker is silent this long goes to another worker. */
    heartbeatTimeoutMs: number
  }
  /** The node's asset store (files and folders added with `rynus-node assets add` or the web UI). */
  storage: {
    /** Most bytes of asset content the node stores (after compression); 0 = unlimited. */
    quotaBytes: number
  }
  /** Connection limits. */
  limits: {
    maxConnections: number
    maxParallelDials: number
    maxIncomingPendingConnections: number
    /** Inbound connections per second allowed from one host before it is refused. */
    inboundConnectionsPerSecondPerHost: number
  }
  /**
   * Settlement on an EVM chain. Off while `rpcUrl` is ''. Addresses are '' until set (a devnet
   * writes them itself). The wallet is `<dataDir>/wallet.json`; its passphrase comes from
   * `passphraseFile`, else env RYNUS_WALLET_PASSPHRASE, else a prompt.
   */
  chain: {
    /** JSON-RPC endpoint, e.g. http://127.0.0.1:8545; '' turns settlement off. */
    rpcUrl: string
    /** The chain the RPC must answer for (checked at start). */
    chainId: number
    /** RynusToken (ERC-20) address. */
    token: string
    /** WorkerRegistry address. */
    registry: string
    /** JobMarket address. */
    market: string
    /** Block the market was deployed in: where following its events starts. */
    deployBlock: number
    /** Blocks a transaction (and an event) must be deep before it counts: 1 = mined. */
    confirmations: number
    /** File holding the wallet passphrase; '' for none. */
    passphraseFile: string
  }
}

export const DEFAULT_LIBP2P_PORT = 4101
export const DEFAULT_API_PORT = 4100

export function defaultConfig(): NodeConfig {
  return {
    roles: ['worker', 'requester'],
    listen: [`/ip4/0.0.0.0/tcp/${DEFAULT_LIBP2P_PORT}`, `/ip4/0.0.0.0/tcp/${DEFAULT_LIBP2P_PORT + 1}/ws`],
    announce: [],
    bootstrap: [],
    mdns: false,
    relayClient: true,
    dht: { mode: 'auto', privateAddresses: false },
    api: { host: '127.0.0.1', port: DEFAULT_API_PORT },
    metrics: false,
    worker: {
      priceFloorPerUnit: '1000000000000000',
      slots: 1,
      allowedHours: [],
      markupPercent: 0,
      region: '',
      taskTimeoutMs: 60 * 60 * 1000,
      paused: false
    },
    requester: { bidWindowMs: 1500, heartbeatTimeoutMs: 30_000 },
    log: { level: 'info', json: false },
    storage: { quotaBytes: 0 },
    limits: {
      maxConnections: 300,
      maxParallelDials: 50,
      maxIncomingPendingConnections: 20,
      inboundConnectionsPerSecondPerHost: 5
    },
    chain: {
      rpcUrl: '',
      chainId: 0,
      token: '',
      registry: '',
      market: '',
      deployBlock: 0,
      confirmations: 1,
      passphraseFile: ''
    }
  }
}
