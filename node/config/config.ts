import type { LogLevel } from '../../protocols/common/logger.js'
import {
  DEFAULT_PIN_FETCH_TIMEOUT_MS,
  DEFAULT_PIN_MAX_BYTES_PER_PEER,
  DEFAULT_PIN_MAX_DURATION_MS,
  DEFAULT_PIN_MAX_PINS_PER_PEER,
  DEFAULT_PIN_REQUESTS_PER_PEER_PER_MINUTE
} from '../../protocols/pin/constants.js'
import {
  DEFAULT_GATEWAY_MAX_CONCURRENT_REQUESTS,
  DEFAULT_GATEWAY_PORT,
  DEFAULT_GATEWAY_REQUEST_TIMEOUT_MS
} from '../gateway/constants.js'

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
    /**
     * Ask connected super-peers to pin job data (a submitted job's spec and inputs, each
     * accepted task's results) so it stays reachable when this node goes offline. Best effort.
     */
    pinOnSuperPeers: boolean
    /** How long super-peers are asked to keep it (they may keep it for less). */
    pinDurationMs: number
  }
  /** Super-peer role: pinning job data for other nodes (`/rynus/pin/1.0.0`). */
  pinning: {
    /** Pins one peer may hold here. */
    maxPinsPerPeer: number
    /** Bytes one peer's pins may take here. */
    maxBytesPerPeer: number
    /** Longest a pin is kept; longer requests are shortened to this. */
    maxDurationMs: number
    /** Pin requests one peer may send per minute. */
    requestsPerPeerPerMinute: number
    /** Longest fetching one DAG may take before the pin is refused. */
    fetchTimeoutMs: number
  }
  /**
   * Read-only trustless HTTP gateway (`GET /ipfs/<cid>`) over the blocks this node stores;
   * it never fetches from the network. Off by default; meant for super-peers, whose pinned
   * job data it makes reachable by plain HTTP(S) (put a TLS proxy in front for HTTPS).
   */
  gateway: {
    enabled: boolean
    /** 127.0.0.1 by default; 0.0.0.0 to serve the public (it needs no token: CIDs are public). */
    host: string
    port: number
    maxConcurrentRequests: number
    /** Longest one response may take. */
    requestTimeoutMs: number
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
export { DEFAULT_GATEWAY_PORT }

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
    storage: { quotaBytes: 0, pinOnSuperPeers: false, pinDurationMs: 7 * 24 * 3600_000 },
    pinning: {
      maxPinsPerPeer: DEFAULT_PIN_MAX_PINS_PER_PEER,
      maxBytesPerPeer: DEFAULT_PIN_MAX_BYTES_PER_PEER,
      maxDurationMs: DEFAULT_PIN_MAX_DURATION_MS,
      requestsPerPeerPerMinute: DEFAULT_PIN_REQUESTS_PER_PEER_PER_MINUTE,
      fetchTimeoutMs: DEFAULT_PIN_FETCH_TIMEOUT_MS
    },
    gateway: {
      enabled: false,
      host: '127.0.0.1',
      port: DEFAULT_GATEWAY_PORT,
      maxConcurrentRequests: DEFAULT_GATEWAY_MAX_CONCURRENT_REQUESTS,
      requestTimeoutMs: DEFAULT_GATEWAY_REQUEST_TIMEOUT_MS
    },
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
