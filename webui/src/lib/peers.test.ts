import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { filterPeers, NO_PEER_FILTER, sortPeers, withoutPeer } from './peers.js'
import type { PeerInfo } from './types.js'

const peer = (peerId: string, extra: Partial<PeerInfo> = {}): PeerInfo => ({
  peerId,
  addresses: [`/ip4/127.0.0.1/tcp/4001/p2p/${peerId}`],
  direction: 'outbound',
  protocols: ['/ipfs/id/1.0.0'],
  relayed: false,
  ...extra
})

const PEERS: PeerInfo[] = [
  peer('12D3KooWCharlie', { latencyMs: 30, direction: 'inbound' }),
  peer('12D3KooWAlpha', { latencyMs: 5 }),
  peer('12D3KooWBravo', {
    relayed: true,
    addresses: ['/ip4/10.0.0.9/tcp/4001/p2p/R/p2p-circuit', '/ip4/1.2.3.4/tcp/1']
  }),
  peer('12D3KooWDelta', { latencyMs: 12, protocols: ['/rynus/kad/1.0.0'] })
]

const ids = (peers: PeerInfo[]): string[] => peers.map((p) => p.peerId.replace('12D3KooW', ''))

describe('sortPeers', () => {
  it('orders by latency with unknown latency last in both directions', () => {
    assert.deepEqual(ids(sortPeers(PEERS, 'latency', 'asc')), ['Alpha', 'Delta', 'Charlie', 'Bravo'])
    assert.deepEqual(ids(sortPeers(PEERS, 'latency', 'desc')), ['Charlie', 'Delta', 'Alpha', 'Bravo'])
  })

  it('orders by peer id, path and address count, ties broken by peer id', () => {
    assert.deepEqual(ids(sortPeers(PEERS, 'peerId', 'desc')), ['Delta', 'Charlie', 'Bravo', 'Alpha'])
    assert.deepEqual(ids(sortPeers(PEERS, 'relayed', 'desc')), ['Bravo', 'Alpha', 'Charlie', 'Delta'])
    assert.deepEqual(ids(sortPeers(PEERS, 'addresses', 'desc')), ['Bravo', 'Alpha', 'Charlie', 'Delta'])
  })

  it('does not reorder the list it was given', () => {
    const before = ids(PEERS)
    sortPeers(PEERS, 'peerId', 'asc')
    assert.deepEqual(ids(PEERS), before)
  })
})

describe('filterPeers', () => {
  it('returns every peer for the empty filter', () => {
    assert.equal(filterPeers(PEERS, NO_PEER_FILTER).length, 4)
  })

  it('matches text case-insensitively in peer id, address and protocol', () => {
    assert.deepEqual(ids(filterPeers(PEERS, { ...NO_PEER_FILTER, text: 'alpha' })), ['Alpha'])
    assert.deepEqual(ids(filterPeers(PEERS, { ...NO_PEER_FILTER, text: '1.2.3.4' })), ['Bravo'])
    assert.deepEqual(ids(filterPeers(PEERS, { ...NO_PEER_FILTER, text: ' RYNUS/KAD ' })), ['Delta'])
  })

  it('filters by direction and path together', () => {
    assert.deepEqual(ids(filterPeers(PEERS, { ...NO_PEER_FILTER, direction: 'inbound' })), ['Charlie'])
    assert.deepEqual(ids(filterPeers(PEERS, { ...NO_PEER_FILTER, path: 'relayed' })), ['Bravo'])
    assert.deepEqual(ids(filterPeers(PEERS, { text: '', direction: 'outbound', path: 'direct' })), [
      'Alpha',
      'Delta'
    ])
  })
})

describe('withoutPeer', () => {
  it('drops a disconnected peer and keeps the rest in order', () => {
    assert.deepEqual(ids(withoutPeer(PEERS, '12D3KooWBravo')), ['Charlie', 'Alpha', 'Delta'])
  })
})
