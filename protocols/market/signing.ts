import { publicKeyFromProtobuf, publicKeyToProtobuf } from '@libp2p/crypto/keys'
import type { PeerId, PrivateKey, PublicKey } from '@libp2p/interface'
import { peerIdFromPublicKey, peerIdFromString } from '@libp2p/peer-id'
import { reader as protoReader, writer as protoWriter } from 'protons-runtime'
import { concat, fromString } from 'uint8arrays'
import { SIGNATURE_FIELD } from './constants.js'
import { BadSignatureError, SignerMismatchError } from './errors.js'

/*
 * Signed messages (Bid, Award, Result) carry the signer's public key (field 14) and a
 * signature (field 15) over `domain` + the message's exact encoding without field 15. The
 * sender appends the signature field last; the receiver strips it from the bytes it got, so
 * the check covers exactly what was signed, unknown (newer) fields included.
 */

/** The protobuf encoding of this key's public half, for a message's public_key field. */
export function publicKeyBytes(privateKey: PrivateKey): Uint8Array<ArrayBuffer> {
  return new Uint8Array(publicKeyToProtobuf(privateKey.publicKey))
}

/** Signs an encoded message (with its public key set and no signature) and appends the signature. */
export async function appendSignature(
  privateKey: PrivateKey,
  domain: string,
  unsigned: Uint8Array
): Promise<Uint8Array<ArrayBuffer>> {
  const signature = await privateKey.sign(concat([fromString(domain), unsigned]))
  const field = protoWriter()
  field.uint32((SIGNATURE_FIELD << 3) | 2)
  field.bytes(signature)
  return concat([unsigned, field.finish()])
}

/** The message's bytes with every occurrence of `field` removed, other fields untouched. */
export function withoutField(bytes: Uint8Array, field: number): Uint8Array {
  const r = protoReader(bytes)
  const kept: Uint8Array[] = []
  while (r.pos < r.len) {
    const start = r.pos
    const tag = r.uint32()
    r.skipType(tag & 7)
    if (tag >>> 3 !== field) kept.push(bytes.subarray(start, r.pos))
  }
  return concat(kept)
}

/**
 * Checks a signed message's signature (`what` names it in errors) and returns the signer.
 * `publicKey` and `signature` are the decoded fields of `bytes`.
 */
export async function verifySignature(
  bytes: Uint8Array,
  domain: string,
  publicKey: Uint8Array,
  signature: Uint8Array,
  what: string
): Promise<PeerId> {
  if (signature.byteLength === 0) throw new BadSignatureError(`${what} is not signed`)
  let key: PublicKey
  try {
    key = publicKeyFromProtobuf(publicKey)
  } catch {
    throw new BadSignatureError(`${what} carries an invalid public key`)
  }
  const signed = concat([fromString(domain), withoutField(bytes, SIGNATURE_FIELD)])
  if (!(await key.verify(signed, signature))) {
    throw new BadSignatureError(`${what} signature does not verify; it was altered or forged`)
  }
  return peerIdFromPublicKey(key)
}

/** Throws unless `signer` is `expected` (the connection's remote peer). */
export function assertSigner(signer: PeerId, expected: PeerId | string, what: string): void {
  const peer = typeof expected === 'string' ? peerIdFromString(expected) : expected
  if (!signer.equals(peer)) {
    throw new SignerMismatchError(`${what} is signed by ${signer} but came from ${peer}; refusing it`)
  }
}
