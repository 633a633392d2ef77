// Sorting and filtering of the peer table; pure so the Peers page and its tests agree.
import type { PeerInfo } from './types.js'

export type PeerSortKey = 'peerId' | 'direction' | 'relayed' | 'latency' | 'addresses'
export type SortOrder = 'asc' | 'desc'

export interface PeerFilter {
  /** Case-insensitive text matched against the peer id, addresses and protocols. */
  text: string
  direction: 'all' | 'inbound' | 'outbound'
  path: 'all' | 'direct' | 'relayed'
}

export const NO_PEER_FILTER: PeerFilter = { text: '', direction: 'all', path: 'all' }

export function filterPeers(peers: readonly PeerInfo[], filter: PeerFilter): PeerInfo[] {
  const text = filter.text.trim().toLowerCase()
  return peers.filter((peer) => {
    if (filter.direction !== 'all' && peer.direction !== filter.direction) return false
    if (filter.path === 'direct' && peer.relayed) return false
    if (filter.path === 'relayed' && !peer.relayed) return false
    if (text === '') return true
    return (
      peer.peerId.toLowerCase().includes(text) ||
      peer.addresses.some((a) => a.toLowerCase().includes(text)) ||
      peer.protocols.some((p) => p.toLowerCase().includes(text))
    )
  })
}

function compare(a: PeerInfo, b: PeerInfo, key: PeerSortKey): number {
  switch (key) {
    case 'peerId':
      return a.peerId.localeCompare(b.peerId)
    case 'direction':
      return a.direction.localeCompare(b.direction)
    case 'relayed':
      return Number(a.relayed) - Number(b.relayed)
    case 'addresses':
      return a.addresses.length - b.addresses.length
    case 'latency':
      return (a.latencyMs ?? Number.POSITIVE_INFINITY) - (b.latencyMs ?? Number.POSITIVE_INFINITY)
  }
}

/** Stable sort; ties fall back to peer id so rows do not jump around on live updates. Unknown latency sorts last either way. */
export function sortPeers(peers: readonly PeerInfo[], key: PeerSortKey, order: SortOrder): PeerInfo[] {
  const sign = order === 'asc' ? 1 : -1
  return [...peers].sort((a, b) => {
    if (key === 'latency' && (a.latencyMs === undefined) !== (b.latencyMs === undefined)) {
      return a.latencyMs === undefined ? 1 : -1
    }
    const primary = compare(a, b, key) * sign
    return primary !== 0 ? primary : a.peerId.localeCompare(b.peerId)
  })
}

/** Drops a disconnected peer at once; connects are filled in by refetching `/peers`, which knows the details. */
export function withoutPeer(peers: readonly PeerInfo[], peerId: string): PeerInfo[] {
  return peers.filter((p) => p.peerId !== peerId)
}
