import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { generateKeyPair } from '@libp2p/crypto/keys'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { SAMPLE_JOB_ID } from '../market/test-fixtures.js'
import {
  decodeJobMessage,
  decodeResult,
  encodeJobMessage,
  encodeResult,
  type JobMessageBody,
  type Progress
} from './codec.js'
import { MAX_JOB_MESSAGE_BYTES, MAX_RESULT_OUTPUTS } from './constants.js'
import { JobMessage, Result as ResultPb } from './pb/job.js'
import { sampleResult } from './test-fixtures.js'

const progress: Progress = {
  jobId: SAMPLE_JOB_ID,
  taskId: 'task-1',
  frame: 7,
  sample: 12,
  samples: 32,
  framesDone: 2,
  framesTotal: 6
}

describe('job codec', async () => {
  const key = await generateKeyPair('Ed25519')

  it('progress, heartbeat and cancel round-trip', () => {
    const bodies: JobMessageBody[] = [
      { kind: 'progress', value: progress },
      { kind: 'heartbeat', value: { jobId: SAMPLE_JOB_ID, taskId: 'task-1' } },
      {
        kind: 'cancel',
        value: { jobId: SAMPLE_JOB_ID, taskId: 'task-1', reason: 'job cancelled by its owner' }
      }
    ]
    for (const body of bodies) assert.deepEqual(decodeJobMessage(encodeJobMessage(body)), body)
  })

  it('a signed result round-trips with its signer and exact bytes', async () => {
    const result = await sampleResult()
    const bytes = await encodeResult(key, result)
    const decoded = await decodeResult(bytes)
    assert.deepEqual(decoded.value, result)
    assert.ok(decoded.signer.equals(peerIdFromPrivateKey(key)))
    assert.deepEqual(decoded.bytes, bytes)
    const body = decodeJobMessage(encodeJobMessage({ kind: 'result', bytes }))
    assert.equal(body.kind, 'result')
    assert.deepEqual(body.kind === 'result' ? body.bytes : undefined, bytes)
  })

  it('a failed result carries its error and no outputs', async () => {
    const failed = await sampleResult([], { error: 'Error: File format is not supported' })
    assert.equal((await decodeResult(await encodeResult(key, failed))).value.error, failed.error)
    await assert.rejects(encodeResult(key, await sampleResult([])), /must list its outputs/)
  })

  it('a tampered result fails its signature', async () => {
    const signed = await encodeResult(key, await sampleResult())
    const pb = ResultPb.decode(signed)
    pb.outputs[0].bytes += 1
    await assert.rejects(decodeResult(ResultPb.encode(pb)), { code: 'ERR_BAD_SIGNATURE' })
    await assert.rejects(decodeResult(ResultPb.encode({ ...ResultPb.decode(signed), createdAt: 1 })), {
      code: 'ERR_BAD_SIGNATURE'
    })
  })

  it('garbage, oversized, ambiguous and over-long messages are refused with ERR_JOB_MESSAGE', async () => {
    assert.throws(() => decodeJobMessage(new Uint8Array([0x0a, 0xff, 0xff, 0xff, 0x7f])), {
      code: 'ERR_JOB_MESSAGE'
    })
    assert.throws(() => decodeJobMessage(new Uint8Array(MAX_JOB_MESSAGE_BYTES + 1)), {
      code: 'ERR_JOB_MESSAGE'
    })
    assert.throws(() => decodeJobMessage(JobMessage.encode({})), /exactly one/)
    assert.throws(
      () =>
        decodeJobMessage(JobMessage.encode({ progress, heartbeat: { jobId: SAMPLE_JOB_ID, taskId: 't' } })),
      /exactly one/
    )
    assert.throws(
      () => decodeJobMessage(JobMessage.encode({ progress: { ...progress, sample: 33 } })),
      /sample/
    )
    const result = await sampleResult([1])
    const outputs = Array.from({ length: MAX_RESULT_OUTPUTS + 1 }, (_, frame) => ({
      ...result.outputs[0],
      frame
    }))
    await assert.rejects(
      decodeResult(ResultPb.encode({ ...result, outputs })),
      (err: Error & { code?: string }) => {
        assert.equal(err.code, 'ERR_JOB_MESSAGE')
        assert.match(err.message, /too many elements/)
        return true
      }
    )
    await assert.rejects(
      encodeResult(key, { ...result, outputs: [result.outputs[0], result.outputs[0]] }),
      /twice/
    )
  })
})
