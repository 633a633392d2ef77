// Shapes of the node's local API (`/api/v1`), shared by the client, the pages and the tests.

export type Role = 'worker' | 'requester' | 'super-peer'
export type ReachabilityStatus = 'public' | 'relay' | 'lan-only' | 'unknown'

export interface Reachability {
  status: ReachabilityStatus
  summary: string
  advice: string[]
}

export interface NodeStatus {
  peerId: string
  addresses: string[]
  roles: Role[]
  reachability: Reachability
  versions: { rynus: string; libp2p: string; node: string }
  startedAt: string
  uptimeSeconds: number
  connections: number
  /** Where the node keeps its key, config and databases. */
  dataDir?: string
}

export interface PeerInfo {
  peerId: string
  addresses: string[]
  direction: 'inbound' | 'outbound'
  latencyMs?: number
  protocols: string[]
  relayed: boolean
}

/** The error shape of every API answer that is not 2xx. */
export interface ApiErrorBody {
  error: { code: string; message: string; fields?: Record<string, string> }
}
