import type { Helia } from 'helia'
import type { CID } from 'multiformats/cid'
import { describeError } from '../../protocols/common/errors.js'
import type { Logger } from '../../protocols/common/logger.js'
import type { JobChannel, TaskResult } from '../../protocols/job/index.js'
import type { WorkerSettlement } from '../chain/index.js'

/** How long a finished task keeps trying to hand its result to an unreachable requester. */
export const RESULT_DELIVERY_MS = 3 * 60_000

/** Folder names from ids the network gave us: nothing but safe characters. */
export function safeSegment(value: string): string {
  return value.replace(/[^A-Za-z0-9_-]/g, '_').slice(-48)
}

/** One block's bytes (from this node, else over bitswap). */
export async function readBlock(helia: Helia, cid: CID, signal: AbortSignal): Promise<Uint8Array> {
  const chunks: Uint8Array[] = []
  for await (const chunk of helia.blockstore.get(cid, { signal })) chunks.push(chunk)
  return Buffer.concat(chunks)
}

/**
 * Sends a task's result, retrying while the requester cannot be reached (it may be
 * restarting): finished work is not thrown away because one message failed.
 */
export async function deliverResult(
  jobs: JobChannel,
  requester: string,
  result: TaskResult,
  signal: AbortSignal,
  log: Logger
): Promise<{ accepted: boolean; reason: string } | undefined> {
  const end = Date.now() + RESULT_DELIVERY_MS
  let delay = 500
  for (;;) {
    try {
      return await jobs.sendResult(requester, result, { signal })
    } catch (err) {
      if (signal.aborted || Date.now() + delay > end) {
        log.warn('could not deliver the result', { jobId: result.jobId, error: describeError(err) })
        return undefined
      }
      await new Promise((r) => setTimeout(r, delay))
      delay = Math.min(delay * 2, 10_000)
    }
  }
}

/**
 * Hands in a finished task: on a paid task the digest of its outputs goes on chain first (it is
 * what the payment is for), then the result goes to the requester (see deliverResult).
 */
export async function commitAndDeliver(
  c: { jobs: JobChannel; settlement?: WorkerSettlement; log: Logger },
  task: { requester: string; chainTaskId: bigint; result: TaskResult },
  signal: AbortSignal
): Promise<{ accepted: boolean; reason: string } | undefined> {
  const { requester, chainTaskId, result } = task
  if (c.settlement !== undefined && chainTaskId !== 0n) {
    await c.settlement.commitResult(
      chainTaskId,
      result.outputs.map((o) => ({ frame: o.frame, cid: o.cid }))
    )
  }
  return deliverResult(c.jobs, requester, result, signal, c.log)
}
