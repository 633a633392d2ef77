import { CID } from 'multiformats/cid'
import { InvalidCidError } from './errors.js'

/** Parses a CID given as a string (base32 `bafy…`, base58 `Qm…`, base36 `k…`) or passes a CID through. */
export function parseCid(value: string | CID): CID {
  if (typeof value !== 'string') {
    const cid = CID.asCID(value)
    if (cid === null) throw new InvalidCidError(String(value))
    return cid
  }
  const text = value.trim()
  if (text === '') throw new InvalidCidError(value)
  try {
    return CID.parse(text)
  } catch (err) {
    throw new InvalidCidError(value, { cause: err })
  }
}
