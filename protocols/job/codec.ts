import type { PrivateKey } from '@libp2p/interface'
import type { Signed } from '../market/codec.js'
import { MAX_FRAME_NUMBER, MAX_REASON_LENGTH } from '../market/constants.js'
import { checkCid, checkInteger, checkTaskId, checkText, decodeWith, type Fail } from '../market/fields.js'
import { appendSignature, publicKeyBytes, verifySignature } from '../market/signing.js'
import {
  MAX_CLOCK_SKEW_MS,
  MAX_JOB_MESSAGE_BYTES,
  MAX_OUTPUT_BYTES,
  MAX_RESULT_ERROR_LENGTH,
  MAX_RESULT_OUTPUTS,
  MAX_SAMPLES,
  RESULT_SIGNING_DOMAIN
} from './constants.js'
import { JobMessageError } from './errors.js'
import { Ack as AckPb, JobMessage, Result as ResultPb } from './pb/job.js'

/** worker → requester: where rendering a task stands. */
export interface Progress {
  jobId: string
  taskId: string
  frame: number
  sample: number
  samples: number
  framesDone: number
  framesTotal: number
}

/** worker → requester: still alive and working on the task. */
export interface Heartbeat {
  jobId: string
  taskId: string
}

export interface TaskOutput {
  frame: number
  /** CID of the output file in helia */
  cid: string
  bytes: number
}

/** worker → requester: a task's outputs, or why it failed (`error` non-empty). Signed. */
export interface TaskResult {
  jobId: string
  taskId: string
  outputs: TaskOutput[]
  /** empty = success */
  error: string
  createdAt: number
}

/** either side: stop working on, or waiting for, the task. */
export interface Cancel {
  jobId: string
  taskId: string
  reason: string
}

/** The answer to every job message. */
export interface Ack {
  accepted: boolean
  reason: string
}

export type JobMessageBody =
  | { kind: 'progress'; value: Progress }
  | { kind: 'heartbeat'; value: Heartbeat }
  | { kind: 'result'; bytes: Uint8Array<ArrayBuffer> }
  | { kind: 'cancel'; value: Cancel }

const fail: Fail = (problem) => new JobMessageError(problem)

function checkSize(bytes: Uint8Array, what: string): void {
  if (bytes.byteLength > MAX_JOB_MESSAGE_BYTES) {
    throw fail(`${what} of ${bytes.byteLength} bytes exceeds ${MAX_JOB_MESSAGE_BYTES}`)
  }
}

function checkTask(msg: { jobId: string; taskId: string }, what: string): void {
  checkCid(msg.jobId, `${what} jobId`, fail)
  checkTaskId(msg.taskId, `${what} taskId`, fail)
}

export function validateProgress(p: Progress): void {
  checkTask(p, 'progress')
  checkInteger(p.frame, 0, MAX_FRAME_NUMBER, 'progress frame', fail)
  checkInteger(p.samples, 0, MAX_SAMPLES, 'progress samples', fail)
  checkInteger(p.sample, 0, p.samples, 'progress sample', fail)
  checkInteger(p.framesTotal, 0, MAX_RESULT_OUTPUTS, 'progress framesTotal', fail)
  checkInteger(p.framesDone, 0, p.framesTotal, 'progress framesDone', fail)
}

export function validateCancel(c: Cancel): void {
  checkTask(c, 'cancel')
  checkText(c.reason, MAX_REASON_LENGTH, 'cancel reason', fail)
}

/** Shape checks of a result: ids, outputs (unique frames, CIDs, sizes), error text. */
export function validateResult(r: TaskResult): void {
  checkTask(r, 'result')
  if (r.outputs.length > MAX_RESULT_OUTPUTS)
    throw fail(`result lists more than ${MAX_RESULT_OUTPUTS} outputs`)
  const frames = new Set<number>()
  for (const out of r.outputs) {
    checkInteger(out.frame, 0, MAX_FRAME_NUMBER, 'result output frame', fail)
    checkCid(out.cid, 'result output cid', fail)
    checkInteger(out.bytes, 0, MAX_OUTPUT_BYTES, 'result output bytes', fail)
    frames.add(out.frame)
  }
  if (frames.size !== r.outputs.length) throw fail('result lists a frame twice')
  if (r.error.length > MAX_RESULT_ERROR_LENGTH) {
    throw fail(`result error is longer than ${MAX_RESULT_ERROR_LENGTH} characters`)
  }
  if (r.error === '' && r.outputs.length === 0) throw fail('a successful result must list its outputs')
  checkInteger(r.createdAt, 1, Number.MAX_SAFE_INTEGER, 'result createdAt', fail)
}

export function encodeJobMessage(body: JobMessageBody): Uint8Array {
  if (body.kind === 'progress') validateProgress(body.value)
  if (body.kind === 'heartbeat') checkTask(body.value, 'heartbeat')
  if (body.kind === 'cancel') validateCancel(body.value)
  const bytes = JobMessage.encode(
    body.kind === 'result' ? { result: body.bytes } : { [body.kind]: body.value }
  )
  checkSize(bytes, 'job message')
  return bytes
}

/** Unwraps a job message: exactly one field, checked; a result stays bytes for `decodeResult`. */
export function decodeJobMessage(bytes: Uint8Array): JobMessageBody {
  checkSize(bytes, 'job message')
  const pb = decodeWith(() => JobMessage.decode(bytes), 'job message', fail)
  const set = [pb.progress, pb.heartbeat, pb.result, pb.cancel].filter((f) => f !== undefined)
  if (set.length !== 1)
    throw fail('a job message must carry exactly one of progress, heartbeat, result, cancel')
  if (pb.progress !== undefined) {
    validateProgress(pb.progress)
    return { kind: 'progress', value: pb.progress }
  }
  if (pb.heartbeat !== undefined) {
    checkTask(pb.heartbeat, 'heartbeat')
    return { kind: 'heartbeat', value: pb.heartbeat }
  }
  if (pb.cancel !== undefined) {
    validateCancel(pb.cancel)
    return { kind: 'cancel', value: pb.cancel }
  }
  return { kind: 'result', bytes: pb.result! }
}

/** Encodes and signs a result with the worker's key. */
export async function encodeResult(
  privateKey: PrivateKey,
  result: TaskResult
): Promise<Uint8Array<ArrayBuffer>> {
  validateResult(result)
  const unsigned = ResultPb.encode({ ...result, publicKey: publicKeyBytes(privateKey) })
  const bytes = await appendSignature(privateKey, RESULT_SIGNING_DOMAIN, unsigned)
  checkSize(bytes, 'result')
  return bytes
}

/**
 * Decodes signed result bytes: size, output count, shape, signature. Returns the signer; the
 * bytes are the evidence a requester keeps (anyone can check them again with this function).
 */
export async function decodeResult(bytes: Uint8Array, now = Date.now()): Promise<Signed<TaskResult>> {
  checkSize(bytes, 'result')
  const pb = decodeWith(
    () => ResultPb.decode(bytes, { limits: { outputs: MAX_RESULT_OUTPUTS } }),
    'result',
    fail
  )
  const result: TaskResult = {
    jobId: pb.jobId,
    taskId: pb.taskId,
    outputs: pb.outputs.map((o) => ({ frame: o.frame, cid: o.cid, bytes: o.bytes })),
    error: pb.error,
    createdAt: pb.createdAt
  }
  validateResult(result)
  if (result.createdAt > now + MAX_CLOCK_SKEW_MS)
    throw fail('result is dated in the future; check the clocks')
  const signer = await verifySignature(bytes, RESULT_SIGNING_DOMAIN, pb.publicKey, pb.signature, 'result')
  return { value: result, signer, bytes }
}

export function encodeAck(ack: Ack): Uint8Array {
  return AckPb.encode({ accepted: ack.accepted, reason: ack.reason.slice(0, MAX_REASON_LENGTH) })
}

export function decodeAck(bytes: Uint8Array): Ack {
  checkSize(bytes, 'ack')
  const pb = decodeWith(() => AckPb.decode(bytes), 'ack', fail)
  checkText(pb.reason, MAX_REASON_LENGTH, 'ack reason', fail)
  return { accepted: pb.accepted, reason: pb.reason }
}
