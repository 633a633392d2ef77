import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import type { PeerInfo } from '@libp2p/interface'
import { peerIdFromString } from '@libp2p/peer-id'
import { pacedRandomWalk } from './relay-discovery.js'

const PEER: PeerInfo = {
  id: peerIdFromString('12D3KooWPXE6vLJQeohAraMFwWHf4pjBeYW7X9iiCRJqapZUQJ6Y'),
  multiaddrs: []
}

/** A walk like libp2p's on a small network: the same connected peer again and again, at once. */
const endless = {
  async *walk(): AsyncGenerator<PeerInfo> {
    for (;;) yield PEER
  }
}

describe('the relay client’s search for relays is paced', () => {
  it('hands out one random peer per interval instead of spinning', async () => {
    const controller = new AbortController()
    setTimeout(() => controller.abort(new Error('enough')), 350)
    let seen = 0
    await assert.rejects(async () => {
      for await (const _ of pacedRandomWalk(endless, 100).walk({ signal: controller.signal })) seen++
    }, /enough/)
    // the unpaced walk hands out hundreds of thousands of peers in that time
    assert.ok(seen >= 1 && seen <= 4, `${seen} peers in 350 ms at one per 100 ms`)
  })
})
