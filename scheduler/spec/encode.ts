import { createHash } from 'node:crypto'
import { CID } from 'multiformats/cid'
import * as json from 'multiformats/codecs/json'
import { create as createDigest } from 'multiformats/hashes/digest'
import { sha256 } from 'multiformats/hashes/sha2'
import { JobSpecError } from '../errors.js'
import type { JobSpec } from './types.js'
import { type ValidateOptions, validateJobSpec } from './validate.js'

/**
 * JSON with object keys sorted at every depth and no whitespace, so equal specs give equal
 * bytes. Only JSON values are allowed (no undefined inside arrays, no bigint, no NaN).
 */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return JSON.stringify(value)
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new TypeError('canonical JSON has no NaN or Infinity')
    return JSON.stringify(value)
  }
  if (Array.isArray(value)) return `[${value.map((item) => canonicalJson(item)).join(',')}]`
  if (typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, item]) => item !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    return `{${entries.map(([key, item]) => `${JSON.stringify(key)}:${canonicalJson(item)}`).join(',')}}`
  }
  throw new TypeError(`canonical JSON cannot hold a ${typeof value}`)
}

/** The spec's block bytes: canonical JSON, UTF-8. */
export function encodeJobSpec(spec: JobSpec): Uint8Array {
  return new TextEncoder().encode(canonicalJson(spec))
}

/** The CID of the spec block (CIDv1, `json` codec 0x0200, sha2-256): the block to store in helia. */
export function jobCidOf(bytes: Uint8Array): CID {
  const digest = createDigest(sha256.code, createHash('sha256').update(bytes).digest())
  return CID.createV1(json.code, digest)
}

/** The job id: the spec block's CID as a string (base32, `bagaaiera…`). */
export function jobIdOf(bytes: Uint8Array): string {
  return jobCidOf(bytes).toString()
}

/**
 * A spec from its block bytes (e.g. fetched by job id), validated. Bytes that are not the
 * canonical encoding are refused, since their CID would not be the job id the requester names.
 */
export function decodeJobSpec(bytes: Uint8Array, options: ValidateOptions = {}): JobSpec {
  let parsed: unknown
  try {
    parsed = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes))
  } catch {
    throw new JobSpecError({ spec: 'give the job spec as UTF-8 JSON' })
  }
  const spec = validateJobSpec(parsed, options)
  const canonical = encodeJobSpec(spec)
  if (canonical.byteLength !== bytes.byteLength || !canonical.every((byte, i) => byte === bytes[i])) {
    throw new JobSpecError({ spec: 'encode the job spec as canonical JSON (sorted keys, no spaces)' })
  }
  return spec
}
