/**
 * ChaCha20-Poly1305 for noise's transport messages on node:crypto, without the per-message
 * overheads of the package's default implementation:
 *
 * - the 32-byte session key is turned into a KeyObject once per key, not on every message
 *   (createCipheriv with raw key bytes re-validates and re-wraps the key each call);
 * - plaintext and ciphertext that come as several buffers (a Uint8ArrayList: a yamux header
 *   and its data, a message spread over two TCP reads) are processed piece by piece and
 *   returned as a list, never copied into one buffer first.
 *
 * The cipher is the same AEAD (node:crypto's chacha20-poly1305, 16-byte tag, the nonce and
 * associated data noise passes in), so the bytes on the wire are identical. Small messages
 * (handshake, yamux control frames) and everything that is not the AEAD (X25519, SHA-256,
 * HKDF) stay with the package's own default implementation.
 */
import { createCipheriv, createDecipheriv, createSecretKey, type KeyObject } from 'node:crypto'
import type { ICryptoInterface } from '@libp2p/noise'
import { defaultCrypto } from '@libp2p/noise/crypto'
import { Uint8ArrayList } from 'uint8arraylist'

const CHACHA20_POLY1305 = 'chacha20-poly1305'
const TAG_LENGTH = 16
/** Below this the package's WASM implementation is faster than a node:crypto cipher object. */
const SMALL_MESSAGE_BYTES = 1200

/**
 * One KeyObject per session key. Keyed by the key's Uint8Array (noise keeps one per cipher
 * state for the life of the connection); the bytes are compared on every use, so a key
 * changed in place is never encrypted with a stale KeyObject.
 */
const keyObjects = new WeakMap<Uint8Array, { bytes: Buffer; key: KeyObject }>()

function keyObject(k: Uint8Array): KeyObject {
  const cached = keyObjects.get(k)
  if (cached?.bytes.equals(k)) return cached.key
  const bytes = Buffer.from(k)
  const key = createSecretKey(bytes)
  keyObjects.set(k, { bytes, key })
  return key
}

export function chaCha20Poly1305Encrypt(
  plaintext: Uint8Array | Uint8ArrayList,
  nonce: Uint8Array,
  ad: Uint8Array,
  k: Uint8Array
): Uint8ArrayList {
  const cipher = createCipheriv(CHACHA20_POLY1305, keyObject(k), nonce, { authTagLength: TAG_LENGTH })
  cipher.setAAD(ad, { plaintextLength: plaintext.byteLength })
  // ciphertext pieces then the tag, not copied into one buffer: the connection writes a
  // list with one writev (see noise-transport.ts)
  const output = new Uint8ArrayList()
  if (plaintext instanceof Uint8Array) {
    output.append(cipher.update(plaintext))
  } else {
    for (const part of plaintext) output.append(cipher.update(part))
  }
  const final = cipher.final()
  if (final.byteLength > 0) output.append(final)
  output.append(cipher.getAuthTag())
  return output
}

export function chaCha20Poly1305Decrypt(
  ciphertext: Uint8Array | Uint8ArrayList,
  nonce: Uint8Array,
  ad: Uint8Array,
  k: Uint8Array
): Uint8Array | Uint8ArrayList {
  const textLength = ciphertext.byteLength - TAG_LENGTH
  if (textLength < 0) throw new Error('Invalid chacha20poly1305 decryption')
  const decipher = createDecipheriv(CHACHA20_POLY1305, keyObject(k), nonce, { authTagLength: TAG_LENGTH })
  decipher.setAAD(ad, { plaintextLength: textLength })
  decipher.setAuthTag(ciphertext.subarray(textLength))
  if (ciphertext instanceof Uint8Array) {
    const text = decipher.update(ciphertext.subarray(0, textLength))
    decipher.final() // throws if the tag does not match
    return text
  }
  const output = new Uint8ArrayList()
  for (const part of ciphertext.sublist(0, textLength)) output.append(decipher.update(part))
  const final = decipher.final() // throws if the tag does not match
  if (final.byteLength > 0) output.append(final)
  return output
}

/**
 * Noise's crypto with the transport AEAD above for messages of 1200 bytes and more, the
 * package's default for the rest.
 */
export const nodeNoiseCrypto: ICryptoInterface = {
  ...defaultCrypto,
  chaCha20Poly1305Encrypt(plaintext, nonce, ad, k) {
    if (plaintext.byteLength < SMALL_MESSAGE_BYTES) {
      return defaultCrypto.chaCha20Poly1305Encrypt(plaintext, nonce, ad, k)
    }
    return chaCha20Poly1305Encrypt(plaintext, nonce, ad, k)
  },
  chaCha20Poly1305Decrypt(ciphertext, nonce, ad, k, dst) {
    if (ciphertext.byteLength < SMALL_MESSAGE_BYTES) {
      return defaultCrypto.chaCha20Poly1305Decrypt(ciphertext, nonce, ad, k, dst)
    }
    return chaCha20Poly1305Decrypt(ciphertext, nonce, ad, k)
  }
}
