import { CID } from 'multiformats/cid'
import { RynusError } from '../../../protocols/common/errors.js'
import { canonicalJson, jobCidOf } from '../../spec/encode.js'
import { isPlainObject } from '../../spec/field-checks.js'

/**
 * Handing a training task over between workers.
 *
 * - Checkpoints travel as **checkpoint reports**: after each epoch but the last, the worker sends
 *   a signed result listing only that epoch (`frame` = epoch, `cid` = the checkpoint folder).
 *   A train result that lists fewer epochs than its task is such a report; the final result
 *   lists every epoch.
 * - The **resume point** says where a newly awarded worker starts: a small JSON block the
 *   requester stores (its CID is the block's hash, like a job id) and names in its answer to the
 *   worker's first heartbeat, as the ack reason `resume:<cid>`. An empty reason means: start at
 *   epoch 1.
 */
export const RESUME_REASON_PREFIX = 'resume:'
/** A resume point is a few hundred bytes per thousand epochs; refuse anything far larger. */
export const MAX_RESUME_POINT_BYTES = 1024 * 1024

export interface EpochOutput {
  epoch: number
  /** The checkpoint folder of this epoch (UnixFS). */
  cid: string
  bytes: number
}

export interface ResumePoint {
  version: 1
  jobId: string
  taskId: string
  /** Last completed epoch; the worker trains from epoch + 1. */
  epoch: number
  /** Checkpoint folder of `epoch`. */
  checkpoint: EpochOutput
  /** What the final result lists for epochs 1..epoch (delivered by earlier workers). */
  epochs: EpochOutput[]
}

/** Whether a successful train result only reports checkpoints (it lists fewer epochs than the task). */
export function isCheckpointReport(taskUnits: number, outputs: number, error: string): boolean {
  return error === '' && outputs > 0 && outputs < taskUnits
}

export function resumeReason(cid: string): string {
  return `${RESUME_REASON_PREFIX}${cid}`
}

/** The resume point's CID named in an ack reason, or undefined when the reason names none. */
export function parseResumeReason(reason: string): CID | undefined {
  if (!reason.startsWith(RESUME_REASON_PREFIX)) return undefined
  try {
    return CID.parse(reason.slice(RESUME_REASON_PREFIX.length))
  } catch {
    return undefined
  }
}

/** The resume point's block (canonical JSON) and its CID. */
export function encodeResumePoint(point: ResumePoint): { bytes: Uint8Array; cid: CID } {
  const bytes = new TextEncoder().encode(canonicalJson(point))
  return { bytes, cid: jobCidOf(bytes) }
}

/** A resume point that cannot be used; the worker starts from epoch 1 instead or fails the task. */
export class ResumePointError extends RynusError {
  constructor(message: string) {
    super(message, 'ERR_RESUME_POINT')
  }
}

function checkOutput(value: unknown, what: string): EpochOutput {
  if (!isPlainObject(value)) throw new ResumePointError(`${what} is not an object`)
  const { epoch, cid, bytes } = value
  if (!Number.isSafeInteger(epoch) || (epoch as number) < 1)
    throw new ResumePointError(`${what} has no epoch`)
  if (!Number.isSafeInteger(bytes) || (bytes as number) < 0) throw new ResumePointError(`${what} has no size`)
  if (typeof cid !== 'string' || cid.length > 200) throw new ResumePointError(`${what} has no CID`)
  try {
    CID.parse(cid)
  } catch {
    throw new ResumePointError(`${what} has an invalid CID`)
  }
  return { epoch: epoch as number, cid, bytes: bytes as number }
}

/**
 * A resume point from its block bytes, checked: it is for this task, its epoch is before the
 * last, and it lists epochs 1..epoch in order with the checkpoint as the last.
 */
export function decodeResumePoint(
  bytes: Uint8Array,
  expect: { jobId: string; taskId: string; epochs: number }
): ResumePoint {
  if (bytes.byteLength > MAX_RESUME_POINT_BYTES) throw new ResumePointError('the resume point is too large')
  let value: unknown
  try {
    value = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes))
  } catch {
    throw new ResumePointError('the resume point is not JSON')
  }
  if (!isPlainObject(value) || value.version !== 1)
    throw new ResumePointError('the resume point is not version 1')
  if (value.jobId !== expect.jobId || value.taskId !== expect.taskId) {
    throw new ResumePointError('the resume point is for another task')
  }
  const epoch = value.epoch
  if (!Number.isSafeInteger(epoch) || (epoch as number) < 1 || (epoch as number) >= expect.epochs) {
    throw new ResumePointError(`the resume point's epoch must be from 1 to ${expect.epochs - 1}`)
  }
  const checkpoint = checkOutput(value.checkpoint, 'the checkpoint')
  if (!Array.isArray(value.epochs) || value.epochs.length !== epoch) {
    throw new ResumePointError(`the resume point must list epochs 1 to ${epoch}`)
  }
  const epochs = value.epochs.map((e, i) => {
    const out = checkOutput(e, `epoch ${i + 1}`)
    if (out.epoch !== i + 1) throw new ResumePointError('the resume point lists its epochs out of order')
    return out
  })
  if (checkpoint.epoch !== epoch || epochs.at(-1)?.cid !== checkpoint.cid) {
    throw new ResumePointError("the resume point's checkpoint is not its last epoch")
  }
  return {
    version: 1,
    jobId: expect.jobId,
    taskId: expect.taskId,
    epoch: epoch as number,
    checkpoint,
    epochs
  }
}
