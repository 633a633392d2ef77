import type { NodeConfig, Role } from '../config/config.js'
import { defaultConfig } from '../config/config.js'

/** One node of the local network. */
export interface DevnetNodeSpec {
  name: string
  roles: Role[]
  tcpPort: number
  wsPort: number
  apiPort: number
  /** The trustless HTTP gateway's port, for a node that runs one (the super-peer). */
  gatewayPort?: number
}

/**
 * The devnet's shape: one super-peer, two workers, one requester, all on 127.0.0.1 with
 * fixed ports so a second run finds the same nodes at the same places. Add a node here and
 * the devnet starts it.
 */
export const DEVNET_NODES: DevnetNodeSpec[] = [
  {
    name: 'super-peer',
    roles: ['super-peer'],
    tcpPort: 4201,
    wsPort: 4202,
    apiPort: 4301,
    gatewayPort: 4380
  },
  { name: 'worker-1', roles: ['worker'], tcpPort: 4211, wsPort: 4212, apiPort: 4311 },
  { name: 'worker-2', roles: ['worker'], tcpPort: 4221, wsPort: 4222, apiPort: 4321 },
  { name: 'requester', roles: ['requester'], tcpPort: 4231, wsPort: 4232, apiPort: 4100 }
]

/** The config a devnet node runs with. `superPeerAddr` is the bootstrap for everyone else. */
export function devnetConfig(spec: DevnetNodeSpec, superPeerAddr: string | undefined): NodeConfig {
  const cfg = defaultConfig()
  cfg.roles = spec.roles
  cfg.listen = [`/ip4/127.0.0.1/tcp/${spec.tcpPort}`, `/ip4/127.0.0.1/tcp/${spec.wsPort}/ws`]
  cfg.bootstrap = superPeerAddr !== undefined && !spec.roles.includes('super-peer') ? [superPeerAddr] : []
  cfg.api = { host: '127.0.0.1', port: spec.apiPort }
  // everything is on loopback: DHT servers that keep private addresses, and no per-host
  // inbound rate limit tripping over our own processes
  cfg.dht = { mode: 'server', privateAddresses: true }
  cfg.limits.inboundConnectionsPerSecondPerHost = 100
  // job data outlives the requester and workers: the super-peer pins it and serves it over HTTP
  cfg.storage.pinOnSuperPeers = true
  if (spec.gatewayPort !== undefined) cfg.gateway = { ...cfg.gateway, enabled: true, port: spec.gatewayPort }
  return cfg
}
