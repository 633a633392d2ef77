import assert from 'node:assert/strict'
import { randomBytes } from 'node:crypto'
import { describe, it } from 'node:test'
import { defaultCrypto } from '@libp2p/noise/crypto'
import { Uint8ArrayList } from 'uint8arraylist'
import { nodeNoiseCrypto } from './noise-crypto.js'

const bytes = (b: Uint8Array | Uint8ArrayList): Buffer => Buffer.from(b.subarray())

/** A nonce as noise builds it: 4 zero bytes, then the 64-bit little-endian counter. */
function nonce(n: number): Uint8Array {
  const out = new Uint8Array(12)
  new DataView(out.buffer).setBigUint64(4, BigInt(n), true)
  return out
}

/** Splits a buffer into a Uint8ArrayList at the given offsets (a TCP read boundary, a yamux header). */
function split(buf: Uint8Array, ...at: number[]): Uint8ArrayList {
  const list = new Uint8ArrayList()
  let from = 0
  for (const to of [...at, buf.byteLength]) {
    list.append(buf.subarray(from, to))
    from = to
  }
  return list
}

describe('noise crypto on node:crypto', () => {
  const k = randomBytes(32)
  const ad = new Uint8Array(0)
  // small (handshake-sized, delegated), at the threshold, a full 64 KiB noise message
  const sizes = [0, 1, 100, 1199, 1200, 1201, 16_384, 65_519]

  it('produces the same ciphertexts as the package default', () => {
    for (const [i, size] of sizes.entries()) {
      const plaintext = randomBytes(size)
      const ours = bytes(nodeNoiseCrypto.chaCha20Poly1305Encrypt(plaintext, nonce(i), ad, k))
      const theirs = bytes(defaultCrypto.chaCha20Poly1305Encrypt(plaintext, nonce(i), ad, k))
      assert.deepEqual(ours, theirs, `size ${size}`)
      assert.equal(ours.byteLength, size + 16)
      // plaintext handed over in pieces, as yamux does (header + data)
      if (size > 12) {
        const pieces = bytes(nodeNoiseCrypto.chaCha20Poly1305Encrypt(split(plaintext, 12), nonce(i), ad, k))
        assert.deepEqual(pieces, theirs, `size ${size} in pieces`)
      }
    }
  })

  it('decrypts what the package default encrypted, whole or spread over several reads', () => {
    for (const [i, size] of sizes.entries()) {
      const plaintext = randomBytes(size)
      const ciphertext = bytes(defaultCrypto.chaCha20Poly1305Encrypt(plaintext, nonce(i), ad, k))
      const whole = nodeNoiseCrypto.chaCha20Poly1305Decrypt(ciphertext, nonce(i), ad, k)
      assert.deepEqual(bytes(whole), plaintext, `size ${size}`)
      // tag split across two reads, and a read boundary inside the text
      const cut = Math.max(1, ciphertext.byteLength - 8)
      const spread = nodeNoiseCrypto.chaCha20Poly1305Decrypt(
        split(ciphertext, Math.floor(cut / 2), cut),
        nonce(i),
        ad,
        k
      )
      assert.deepEqual(bytes(spread), plaintext, `size ${size} spread`)
      // and the package default decrypts ours
      const ours = nodeNoiseCrypto.chaCha20Poly1305Encrypt(plaintext, nonce(i), ad, k)
      assert.deepEqual(bytes(defaultCrypto.chaCha20Poly1305Decrypt(ours, nonce(i), ad, k)), plaintext)
    }
  })

  it('rejects a tampered ciphertext, tag, nonce or key', () => {
    for (const size of [100, 65_519]) {
      const plaintext = randomBytes(size)
      const ciphertext = bytes(nodeNoiseCrypto.chaCha20Poly1305Encrypt(plaintext, nonce(7), ad, k))
      const flipped = (at: number): Buffer => {
        const c = Buffer.from(ciphertext)
        c[at] ^= 0x01
        return c
      }
      assert.throws(
        () => nodeNoiseCrypto.chaCha20Poly1305Decrypt(flipped(0), nonce(7), ad, k),
        `text, size ${size}`
      )
      assert.throws(
        () => nodeNoiseCrypto.chaCha20Poly1305Decrypt(flipped(ciphertext.byteLength - 1), nonce(7), ad, k),
        `tag, size ${size}`
      )
      assert.throws(
        () => nodeNoiseCrypto.chaCha20Poly1305Decrypt(split(flipped(size >> 1), 10, size), nonce(7), ad, k),
        `text in pieces, size ${size}`
      )
      assert.throws(
        () => nodeNoiseCrypto.chaCha20Poly1305Decrypt(ciphertext, nonce(8), ad, k),
        `nonce, size ${size}`
      )
      assert.throws(
        () => nodeNoiseCrypto.chaCha20Poly1305Decrypt(ciphertext, nonce(7), ad, randomBytes(32)),
        `key, size ${size}`
      )
      assert.throws(() =>
        nodeNoiseCrypto.chaCha20Poly1305Decrypt(ciphertext.subarray(0, 10), nonce(7), ad, k)
      )
    }
  })

  it('never reuses a cached key after the key bytes change in place', () => {
    const key = Buffer.from(randomBytes(32))
    const plaintext = randomBytes(4096)
    const before = bytes(nodeNoiseCrypto.chaCha20Poly1305Encrypt(plaintext, nonce(1), ad, key))
    key[0] ^= 0xff
    const after = bytes(nodeNoiseCrypto.chaCha20Poly1305Encrypt(plaintext, nonce(1), ad, key))
    assert.deepEqual(after, bytes(defaultCrypto.chaCha20Poly1305Encrypt(plaintext, nonce(1), ad, key)))
    assert.notDeepEqual(after, before)
  })
})
