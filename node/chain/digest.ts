import { createHash } from 'node:crypto'

/** One delivered output of a task: a frame (or file) number and the CID of its bytes. */
export interface ResultOutput {
  frame: number
  cid: string
}

/**
 * The digest a worker commits on chain for a task's outputs, and a requester checks: sha256 of
 * the canonical JSON of the outputs sorted by frame (then CID), each written as
 * `{"frame":<n>,"cid":"<cid>"}`. Returned as 0x-prefixed hex (32 bytes). The chain keeps its
 * first 20 bytes; the full digest is in the `ResultCommitted` event.
 */
export function resultDigest(outputs: readonly ResultOutput[]): string {
  const sorted = [...outputs]
    .map((o) => ({ frame: o.frame, cid: o.cid }))
    .sort((a, b) => a.frame - b.frame || (a.cid < b.cid ? -1 : a.cid > b.cid ? 1 : 0))
  return `0x${createHash('sha256').update(JSON.stringify(sorted)).digest('hex')}`
}

/**
 * The 64-bit nonce of a job's on-chain id, derived from its CID (first 8 bytes of sha256), so a
 * restarted node or a resent transaction always names the same job and can never escrow twice.
 */
export function jobNonceOf(jobCid: string): bigint {
  return createHash('sha256').update(jobCid).digest().readBigUInt64BE(0)
}

/** The chain keeps the first 20 bytes of a committed digest. */
export function digestPrefix(digest: string): string {
  return digest.slice(0, 42).toLowerCase()
}
