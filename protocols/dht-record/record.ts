import { publicKeyFromProtobuf, publicKeyToProtobuf } from '@libp2p/crypto/keys'
import type { PeerId, PrivateKey } from '@libp2p/interface'
import { peerIdFromPublicKey, peerIdFromString } from '@libp2p/peer-id'
import { fromString, toString as uint8ArrayToString } from 'uint8arrays'
import {
  KIND_PATTERN,
  MAX_CLOCK_SKEW_MS,
  MAX_RECORD_BYTES,
  MAX_RECORD_TTL_MS,
  RECORD_NAMESPACE,
  SIGNING_DOMAIN
} from './constants.js'
import { InvalidRecordError } from './errors.js'
import { SignedRecord } from './pb/record.js'

export { SignedRecord }

/** The DHT key of a peer's record of one kind. */
export function recordKey(kind: string, peerId: PeerId | string): Uint8Array {
  if (!KIND_PATTERN.test(kind))
    throw new InvalidRecordError(`record kind "${kind}" is not a short lowercase word`)
  return fromString(`/${RECORD_NAMESPACE}/${kind}/${peerId.toString()}`)
}

/** Splits a DHT key into kind and peer id, or throws. */
export function parseRecordKey(key: Uint8Array): { kind: string; peerId: PeerId } {
  const parts = uint8ArrayToString(key).split('/')
  if (
    parts.length !== 4 ||
    parts[0] !== '' ||
    parts[1] !== RECORD_NAMESPACE ||
    !KIND_PATTERN.test(parts[2])
  ) {
    throw new InvalidRecordError('record key is not /rynus/<kind>/<peer id>')
  }
  try {
    return { kind: parts[2], peerId: peerIdFromString(parts[3]) }
  } catch {
    throw new InvalidRecordError('record key holds an invalid peer id')
  }
}

function signingBytes(r: { kind: string; payload: Uint8Array; seq: bigint; expiresAt: bigint }): Uint8Array {
  const head = fromString(`${SIGNING_DOMAIN}${r.kind}:${r.seq}:${r.expiresAt}:`)
  const out = new Uint8Array(head.byteLength + r.payload.byteLength)
  out.set(head, 0)
  out.set(r.payload, head.byteLength)
  return out
}

/** Builds and signs a record of `kind` around `payload`, valid for `ttlMs`. */
export async function signRecord(
  privateKey: PrivateKey,
  kind: string,
  payload: Uint8Array,
  ttlMs: number,
  now = Date.now()
): Promise<Uint8Array> {
  const unsigned = {
    kind,
    payload,
    seq: BigInt(now),
    expiresAt: BigInt(now + Math.min(ttlMs, MAX_RECORD_TTL_MS))
  }
  const signature = await privateKey.sign(signingBytes(unsigned))
  const bytes = SignedRecord.encode({
    ...unsigned,
    payload: new Uint8Array(payload),
    publicKey: new Uint8Array(publicKeyToProtobuf(privateKey.publicKey)),
    signature: new Uint8Array(signature)
  })
  if (bytes.byteLength > MAX_RECORD_BYTES) {
    throw new InvalidRecordError(
      `record of ${bytes.byteLength} bytes exceeds ${MAX_RECORD_BYTES}; shrink the payload`
    )
  }
  return bytes
}

/**
 * Decodes and checks a record found under `key`: size, key shape, kind, that the key's peer
 * id is the signer, the signature, and the time window. Returns the decoded record.
 */
export async function verifyRecord(
  key: Uint8Array,
  value: Uint8Array,
  now = Date.now()
): Promise<SignedRecord> {
  if (value.byteLength > MAX_RECORD_BYTES) throw new InvalidRecordError('record is too large')
  const { kind, peerId } = parseRecordKey(key)
  let record: SignedRecord
  try {
    record = SignedRecord.decode(value)
  } catch {
    throw new InvalidRecordError('record is not a valid SignedRecord protobuf')
  }
  if (record.kind !== kind) throw new InvalidRecordError('record kind does not match its key')
  let signer: PeerId
  try {
    signer = peerIdFromPublicKey(publicKeyFromProtobuf(record.publicKey))
  } catch {
    throw new InvalidRecordError('record carries an invalid public key')
  }
  if (!signer.equals(peerId))
    throw new InvalidRecordError('record is signed by a different peer than its key names')
  const publicKey = publicKeyFromProtobuf(record.publicKey)
  if (!(await publicKey.verify(signingBytes(record), record.signature))) {
    throw new InvalidRecordError('record signature is invalid')
  }
  if (record.seq > BigInt(now + MAX_CLOCK_SKEW_MS))
    throw new InvalidRecordError('record is dated in the future')
  if (record.expiresAt <= BigInt(now)) throw new InvalidRecordError('record has expired')
  if (record.expiresAt - record.seq > BigInt(MAX_RECORD_TTL_MS)) {
    throw new InvalidRecordError('record claims a lifetime longer than allowed')
  }
  return record
}

/** DHT selector: the newest valid record wins. */
export function selectNewest(_key: Uint8Array, records: Uint8Array[]): number {
  let best = 0
  let bestSeq = -1n
  records.forEach((bytes, i) => {
    try {
      const seq = SignedRecord.decode(bytes).seq
      if (seq > bestSeq) {
        best = i
        bestSeq = seq
      }
    } catch {}
  })
  return best
}
