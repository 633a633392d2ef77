import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { multiaddr } from '@multiformats/multiaddr'
import { classifyReachability } from './reachability.js'

const opts = { superPeer: false, relayClient: true }
const ID = '12D3KooWDYZUXLr6287uCSgXWXfwgJjdJ6HcuhTjvYoLMXGuKyxq'

describe('reachability', () => {
  it('a public IPv4 address is public', () => {
    const r = classifyReachability(
      [multiaddr('/ip4/203.0.113.7/tcp/4101'), multiaddr('/ip4/192.168.1.2/tcp/4101')],
      opts
    )
    assert.equal(r.status, 'public')
    assert.equal(r.advice.length, 0)
  })

  it('only a relay address means relay, with advice to forward the port', () => {
    const r = classifyReachability(
      [multiaddr(`/ip4/203.0.113.9/tcp/4101/p2p/${ID}/p2p-circuit`), multiaddr('/ip4/10.0.0.5/tcp/4101')],
      opts
    )
    assert.equal(r.status, 'relay')
    assert.match(r.advice.join(' '), /forward the libp2p TCP port/)
  })

  it('only private addresses is LAN-only, with advice to bootstrap to a super-peer', () => {
    const r = classifyReachability(
      [multiaddr('/ip4/127.0.0.1/tcp/4101'), multiaddr('/ip6/::1/tcp/4101')],
      opts
    )
    assert.equal(r.status, 'lan-only')
    assert.match(r.advice.join(' '), /--bootstrap/)
  })

  it('a super-peer that is not public is told to announce its public address', () => {
    const r = classifyReachability([multiaddr('/ip4/10.1.2.3/tcp/4101')], {
      superPeer: true,
      relayClient: false
    })
    assert.equal(r.status, 'lan-only')
    assert.match(r.advice.join(' '), /--announce/)
  })

  it('no addresses is unknown', () => {
    assert.equal(classifyReachability([], opts).status, 'unknown')
  })
})
