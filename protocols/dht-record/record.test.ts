import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { generateKeyPair } from '@libp2p/crypto/keys'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { fromString } from 'uint8arrays'
import { MAX_RECORD_BYTES } from './constants.js'
import { recordKey, SignedRecord, selectNewest, signRecord, verifyRecord } from './record.js'

describe('signed DHT records', async () => {
  const key = await generateKeyPair('Ed25519')
  const other = await generateKeyPair('Ed25519')
  const peer = peerIdFromPrivateKey(key)

  it('a record verifies under its own peer key', async () => {
    const value = await signRecord(key, 'profile', fromString('hi'), 60_000)
    const record = await verifyRecord(recordKey('profile', peer), value)
    assert.equal(new TextDecoder().decode(record.payload), 'hi')
  })

  it('a record signed by someone else under my key is rejected', async () => {
    const forged = await signRecord(other, 'profile', fromString('hi'), 60_000)
    await assert.rejects(verifyRecord(recordKey('profile', peer), forged), /signed by a different peer/)
  })

  it('a tampered payload is rejected', async () => {
    const value = SignedRecord.decode(await signRecord(key, 'profile', fromString('price=10'), 60_000))
    value.payload = fromString('price=1')
    await assert.rejects(
      verifyRecord(recordKey('profile', peer), SignedRecord.encode(value)),
      /signature is invalid/
    )
  })

  it('expired, future-dated, wrong-kind, oversized and garbage records are rejected', async () => {
    const k = recordKey('profile', peer)
    const old = await signRecord(key, 'profile', fromString('x'), 1_000, Date.now() - 10_000)
    await assert.rejects(verifyRecord(k, old), /expired/)
    const future = await signRecord(key, 'profile', fromString('x'), 60_000, Date.now() + 3_600_000)
    await assert.rejects(verifyRecord(k, future), /future/)
    const capacity = await signRecord(key, 'capacity', fromString('x'), 60_000)
    await assert.rejects(verifyRecord(k, capacity), /kind does not match/)
    await assert.rejects(verifyRecord(k, new Uint8Array(MAX_RECORD_BYTES + 1)), /too large/)
    await assert.rejects(
      verifyRecord(k, fromString('garbage!garbage')),
      /not a valid SignedRecord|invalid public key/
    )
    await assert.rejects(verifyRecord(fromString('/ipns/abc'), old), /not \/rynus/)
    await assert.rejects(signRecord(key, 'profile', new Uint8Array(MAX_RECORD_BYTES), 60_000), /exceeds/)
  })

  it('the newest record wins', async () => {
    const a = await signRecord(key, 'profile', fromString('a'), 60_000, Date.now() - 2_000)
    const b = await signRecord(key, 'profile', fromString('b'), 60_000, Date.now() - 1_000)
    assert.equal(selectNewest(new Uint8Array(), [a, b]), 1)
    assert.equal(selectNewest(new Uint8Array(), [b, a, fromString('junk')]), 0)
  })
})
