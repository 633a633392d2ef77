import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import {
  decodeResumePoint,
  encodeResumePoint,
  isCheckpointReport,
  parseResumeReason,
  type ResumePoint,
  resumeReason
} from './resume.js'

const CIDS = [
  'bafybeigdyrzt5sfp7udm7hu76uh7y26nf3efuylqabf3oclgtqy55fbzdi',
  'bafybeie5gq4jxvzmsym6hjlwxej4rwdoxt7wadqvmmwbqi7r27fclha2va',
  'bafybeihdwdcefgh4dqkjv67uzcmw7ojee6xedzdetojuzjevtenxquvyku'
]

function point(overrides: Partial<ResumePoint> = {}): ResumePoint {
  const epochs = CIDS.map((cid, i) => ({ epoch: i + 1, cid, bytes: 1000 + i }))
  return {
    version: 1,
    jobId: 'job-1',
    taskId: 'task-0',
    epoch: 3,
    checkpoint: epochs[2]!,
    epochs,
    ...overrides
  }
}

const expect = { jobId: 'job-1', taskId: 'task-0', epochs: 10 }

describe('resume points', () => {
  it('round-trips through its block, named by CID in an ack reason', () => {
    const { bytes, cid } = encodeResumePoint(point())
    assert.deepEqual(decodeResumePoint(bytes, expect), point())
    assert.equal(parseResumeReason(resumeReason(cid.toString()))?.toString(), cid.toString())
    assert.equal(encodeResumePoint(point()).cid.toString(), cid.toString(), 'the same point has the same CID')
  })

  it('an ack reason that names no resume point means start from epoch 1', () => {
    assert.equal(parseResumeReason(''), undefined)
    assert.equal(parseResumeReason('resume:not-a-cid'), undefined)
  })

  it('refuses a point for another task, past the last epoch, with gaps, or whose checkpoint is not its last epoch', () => {
    const decode = (p: unknown): unknown =>
      decodeResumePoint(new TextEncoder().encode(JSON.stringify(p)), expect)
    assert.throws(() => decode(point({ taskId: 'task-1' })), /another task/)
    assert.throws(() => decode(point({ epoch: 10 })), /epoch must be from 1 to 9/)
    assert.throws(() => decode(point({ epochs: point().epochs.slice(1) })), /list epochs 1 to 3/)
    assert.throws(() => decode(point({ checkpoint: point().epochs[1]! })), /not its last epoch/)
    const shuffled = point().epochs.reverse()
    assert.throws(() => decode(point({ epochs: shuffled, checkpoint: shuffled[2]! })), /out of order/)
    assert.throws(() => decodeResumePoint(new TextEncoder().encode('{"version":1'), expect), /not JSON/)
  })

  it('a train result listing fewer epochs than its task is a checkpoint report', () => {
    assert.equal(isCheckpointReport(10, 1, ''), true)
    assert.equal(isCheckpointReport(10, 10, ''), false)
    assert.equal(isCheckpointReport(10, 0, 'diverged'), false)
    assert.equal(isCheckpointReport(10, 3, 'failed'), false)
  })
})
