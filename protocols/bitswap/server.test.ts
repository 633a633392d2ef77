import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { generateKeyPair } from '@libp2p/crypto/keys'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { CID } from 'multiformats/cid'
import * as raw from 'multiformats/codecs/raw'
import { sha256 } from 'multiformats/hashes/sha2'
import type { Uint8ArrayList } from 'uint8arraylist'
import { silentLogger } from '../common/logger.js'
import type { PeerOutbox } from './outbox.js'
import { BitswapServer } from './server.js'
import { readVarint } from './varint.js'
import { BlockPresenceType, decodeMessage, WantType } from './wire.js'

/** The messages a server sent, decoded. */
function recorder(): { outbox: PeerOutbox; sent: ReturnType<typeof decodeMessage>[] } {
  const sent: ReturnType<typeof decodeMessage>[] = []
  const outbox = {
    async send(frame: Uint8Array | Uint8ArrayList) {
      const bytes = frame instanceof Uint8Array ? frame : frame.subarray()
      const length = readVarint((i) => bytes[i], 0)!
      sent.push(decodeMessage(bytes.subarray(length.length)))
    }
  } as unknown as PeerOutbox
  return { outbox, sent }
}

describe('BitswapServer', () => {
  it('sends a block stored while its want was being answered, not only DONT_HAVE', async () => {
    const bytes = Buffer.from('stored while the want was read')
    const cid = CID.createV1(raw.code, await sha256.digest(bytes))
    const stored = new Map<string, Uint8Array>()
    let release: () => void = () => {}
    const gate = new Promise<void>((r) => {
      release = r
    })
    let reads = 0
    const blocks = {
      async *get(c: CID) {
        // the first read misses, and only returns after the block was stored
        if (reads++ === 0) {
          await gate
          throw Object.assign(new Error('not found'), { name: 'NotFoundError' })
        }
        const found = stored.get(c.toString())
        if (found === undefined) throw Object.assign(new Error('not found'), { name: 'NotFoundError' })
        yield found
      }
    }
    const { outbox, sent } = recorder()
    const server = new BitswapServer(blocks, () => outbox, silentLogger)
    const peer = peerIdFromPrivateKey(await generateKeyPair('Ed25519'))
    server.receiveWantlist(peer, {
      entries: [{ cid: cid.bytes, priority: 1, wantType: WantType.WantBlock, sendDontHave: true }]
    })
    await new Promise((r) => setTimeout(r, 10))
    stored.set(cid.toString(), bytes)
    server.announced(cid)
    release()
    for (let i = 0; i < 100 && !sent.some((m) => m.blocks.length > 0); i++)
      await new Promise((r) => setTimeout(r, 10))
    const delivered = sent.flatMap((m) => m.blocks)
    assert.equal(delivered.length, 1, 'the block went out')
    const data = delivered[0].data
    assert.ok(Buffer.from(data instanceof Uint8Array ? data : data.subarray()).equals(bytes))
    assert.ok(
      !sent.some((m) => m.blockPresences.some((p) => p.type === BlockPresenceType.DoNotHaveBlock)),
      'no DONT_HAVE for a block it has'
    )
    assert.deepEqual(server.wantsOf(peer), [], 'nothing is left waiting')
  })
})
