import type { NodeConfig } from './config/config.js'
import type { RynusLibp2p } from './libp2p/types.js'
import type { Reachability } from './reachability.js'
import type { Versions } from './version.js'

export interface NodeStatus {
  peerId: string
  addresses: string[]
  roles: NodeConfig['roles']
  reachability: Reachability
  versions: Versions
  startedAt: string
  uptimeSeconds: number
  connections: number
  dataDir: string
}

export interface PeerSummary {
  peerId: string
  addresses: string[]
  direction: 'inbound' | 'outbound'
  relayed: boolean
  latencyMs?: number
  protocols: string[]
}

/** One line per connected peer (a peer with several connections is listed once). */
export async function peerSummaries(libp2p: RynusLibp2p): Promise<PeerSummary[]> {
  const out: PeerSummary[] = []
  for (const conn of libp2p.getConnections()) {
    if (out.some((p) => p.peerId === conn.remotePeer.toString())) continue
    const peer = await libp2p.peerStore.get(conn.remotePeer).catch(() => undefined)
    out.push({
      peerId: conn.remotePeer.toString(),
      addresses: [conn.remoteAddr.toString()],
      direction: conn.direction,
      relayed: conn.remoteAddr.toString().includes('/p2p-circuit'),
      latencyMs: conn.rtt,
      protocols: peer?.protocols ?? []
    })
  }
  return out
}
