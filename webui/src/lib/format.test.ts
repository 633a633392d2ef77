import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import {
  addressScope,
  addressTransport,
  formatAgo,
  formatBytes,
  formatLatency,
  formatUptime,
  secondsSince,
  shortPeerId,
  splitCode
} from './format.js'

describe('format', () => {
  it('shortens a peer id but keeps a short one whole', () => {
    assert.equal(shortPeerId('12D3KooWQhZ8h2x2aRkzJ1mE8oYVqGm1sP3n4xT5a6b7c8'), '12D3KooW…a6b7c8')
    assert.equal(shortPeerId('QmShort'), 'QmShort')
  })

  it('writes uptime in the two largest units', () => {
    assert.equal(formatUptime(42), '42s')
    assert.equal(formatUptime(7 * 60 + 3), '7m 03s')
    assert.equal(formatUptime(5 * 3600 + 12 * 60 + 9), '5h 12m')
    assert.equal(formatUptime(3 * 86_400 + 4 * 3600 + 59), '3d 4h')
    assert.equal(formatUptime(-5), '0s')
  })

  it('writes latency and a dash when unknown', () => {
    assert.equal(formatLatency(undefined), '—')
    assert.equal(formatLatency(0.3), '<1 ms')
    assert.equal(formatLatency(4.26), '4.3 ms')
    assert.equal(formatLatency(123.6), '124 ms')
  })

  it('counts seconds since a start time and survives a bad date', () => {
    assert.equal(secondsSince('2025-01-01T00:00:00.000Z', Date.parse('2025-01-01T00:01:30.900Z')), 90)
    assert.equal(secondsSince('not a date', Date.now(), 7), 7)
  })

  it('names the transport of a multiaddr', () => {
    assert.equal(addressTransport('/ip4/1.2.3.4/tcp/4001'), 'TCP')
    assert.equal(addressTransport('/ip4/1.2.3.4/tcp/4002/ws'), 'WebSocket')
    assert.equal(addressTransport('/ip4/1.2.3.4/tcp/4001/p2p/QmR/p2p-circuit'), 'Relay')
  })

  it('tells who can dial an address', () => {
    assert.equal(addressScope('/ip4/127.0.0.1/tcp/1'), 'loopback')
    assert.equal(addressScope('/ip4/192.168.1.20/tcp/1'), 'private')
    assert.equal(addressScope('/ip4/172.20.0.2/tcp/1'), 'private')
    assert.equal(addressScope('/ip4/100.72.0.2/tcp/1'), 'private')
    assert.equal(addressScope('/ip4/172.32.0.2/tcp/1'), 'public')
    assert.equal(addressScope('/ip4/85.10.1.2/tcp/1'), 'public')
    assert.equal(addressScope('/ip6/::1/tcp/1'), 'loopback')
    assert.equal(addressScope('/ip6/fd00::5/tcp/1'), 'private')
    assert.equal(addressScope('/ip6/2a01:4f8::1/tcp/1'), 'public')
    assert.equal(addressScope('/dns4/relay.example.org/tcp/443/wss'), 'name')
  })

  it('marks `code` in advice text', () => {
    assert.deepEqual(splitCode('Run `ufw allow 4101/tcp` then restart.'), [
      { text: 'Run ', code: false },
      { text: 'ufw allow 4101/tcp', code: true },
      { text: ' then restart.', code: false }
    ])
    assert.deepEqual(splitCode('plain'), [{ text: 'plain', code: false }])
  })

  it('writes sizes in binary units', () => {
    assert.equal(formatBytes(0), '0 GB')
    assert.equal(formatBytes(512), '512 B')
    assert.equal(formatBytes(135_106), '132 KB')
    assert.equal(formatBytes(1536), '1.5 KB')
    assert.equal(formatBytes(24 * 2 ** 30), '24 GB')
    assert.equal(formatBytes(25_757_220_864), '24 GB')
    assert.equal(formatBytes(Number.NaN), '—')
  })

  it('says how long ago something happened', () => {
    const now = Date.parse('2025-01-01T00:10:00Z')
    assert.equal(formatAgo(now - 2000, now), 'just now')
    assert.equal(formatAgo(now - 42_000, now), '42s ago')
    assert.equal(formatAgo(now - 423_000, now), '7m 03s ago')
  })
})
