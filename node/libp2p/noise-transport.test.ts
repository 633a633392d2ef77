import assert from 'node:assert/strict'
import { randomBytes } from 'node:crypto'
import { describe, it } from 'node:test'
import { generateKeyPair } from '@libp2p/crypto/keys'
import type { ComponentLogger, Logger, MessageStream, Upgrader } from '@libp2p/interface'
import { noise } from '@libp2p/noise'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { multiaddrConnectionPair } from '@libp2p/utils'
import { Uint8ArrayList } from 'uint8arraylist'
import { nodeNoiseCrypto } from './noise-crypto.js'
import { corkSendData, decryptWithoutCopy, tunedNoise } from './noise-transport.js'

function quietLogger(): Logger {
  const log = Object.assign(() => {}, {
    enabled: false,
    error: () => {},
    trace: () => {},
    newScope: () => quietLogger()
  })
  return log as unknown as Logger
}
const logger: ComponentLogger = { forComponent: () => quietLogger() }

describe('noise transport plumbing', () => {
  it('corks the socket around one sendData call and passes its result through', () => {
    const calls: string[] = []
    const conn = {
      socket: { cork: () => calls.push('cork'), uncork: () => calls.push('uncork') },
      sendData(data: Uint8ArrayList) {
        calls.push(`send ${data.byteLength}`)
        return { sentBytes: data.byteLength, canSendMore: false }
      }
    }
    assert.equal(corkSendData(conn), true)
    const result = conn.sendData(new Uint8ArrayList(new Uint8Array(2), new Uint8Array(100)))
    assert.deepEqual(result, { sentBytes: 102, canSendMore: false })
    assert.deepEqual(calls, ['cork', 'send 102', 'uncork'])
    // uncorked even when the send throws
    const failing = {
      socket: { cork: () => calls.push('cork'), uncork: () => calls.push('uncork') },
      sendData() {
        throw new Error('boom')
      }
    }
    corkSendData(failing)
    calls.length = 0
    assert.throws(() => failing.sendData(), /boom/)
    assert.deepEqual(calls, ['cork', 'uncork'])
  })

  it('leaves connections without a corkable socket or a noise handshake alone', () => {
    assert.equal(corkSendData({ sendData: () => {} }), false)
    assert.equal(corkSendData({ socket: {}, sendData: () => {} }), false)
    assert.equal(decryptWithoutCopy({ decrypt: () => {} }), false)
    assert.equal(decryptWithoutCopy({ handshake: { decrypt: () => {} } }), false)
  })

  it('decrypts message by message at noise message boundaries', () => {
    const seen: number[] = []
    const stream = {
      handshake: {
        decrypt: (c: Uint8Array | Uint8ArrayList) => {
          seen.push(c.byteLength)
          return c.subarray(0, c.byteLength - 16)
        }
      },
      decrypt: (_: Uint8Array | Uint8ArrayList): Uint8ArrayList => {
        throw new Error('not replaced')
      }
    }
    assert.equal(decryptWithoutCopy(stream), true)
    const chunk = new Uint8ArrayList(randomBytes(40_000), randomBytes(65_535 + 100 - 40_000))
    assert.equal(stream.decrypt(chunk).byteLength, 65_535 + 100 - 32)
    assert.deepEqual(seen, [65_535, 100])
    assert.throws(() => stream.decrypt(new Uint8Array(10)), /Invalid chunk/)
  })

  it('secures a real noise connection both ways, patched, with bytes intact', async () => {
    const [a, b] = multiaddrConnectionPair()
    const upgrader = { getStreamMuxers: () => new Map() } as unknown as Upgrader
    const make = async () => {
      const privateKey = await generateKeyPair('Ed25519')
      const peerId = peerIdFromPrivateKey(privateKey)
      return {
        peerId,
        encrypter: tunedNoise(noise({ crypto: nodeNoiseCrypto }))({ peerId, privateKey, logger, upgrader })
      }
    }
    const [alice, bob] = await Promise.all([make(), make()])
    const [out, inb] = await Promise.all([
      alice.encrypter.secureOutbound(a, { remotePeer: bob.peerId }),
      bob.encrypter.secureInbound(b)
    ])
    assert.equal(inb.remotePeer.toString(), alice.peerId.toString())
    // the secured connections carry noise's handshake and decrypt (the shape the patch needs)
    const shape = (c: MessageStream) => c as unknown as { handshake?: unknown; decrypt?: unknown }
    assert.ok(
      shape(out.connection).handshake !== undefined && typeof shape(out.connection).decrypt === 'function'
    )
    const payload = randomBytes(300_000)
    const received = new Uint8ArrayList()
    const done = new Promise<void>((resolve) => {
      inb.connection.addEventListener('message', (evt) => {
        received.append(evt.data)
        if (received.byteLength === payload.byteLength) resolve()
      })
    })
    out.connection.send(payload)
    await done
    assert.deepEqual(Buffer.from(received.subarray()), payload)
    a.abort(new Error('test over'))
    b.abort(new Error('test over'))
  })
})
