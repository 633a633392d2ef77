import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { deliveredEpochs } from './train-delivery.js'
import type { EpochRecord, EpochStatus, TrainJobRecord } from './train-store.js'

const A = 'worker-a'
const B = 'worker-b'
const AWARD = 1_000

const epoch = (
  epoch: number,
  status: EpochStatus,
  worker = A,
  reportedAt = AWARD + epoch,
  taskId = 't0'
): EpochRecord => ({
  epoch,
  cid: `cid${epoch}`,
  bytes: 1,
  worker,
  taskId,
  status,
  reportedAt
})

const recordOf = (epochs: EpochRecord[], extra: Partial<TrainJobRecord> = {}): TrainJobRecord => ({
  version: 1,
  heldOut: { fraction: 0.2, seed: 1, rows: 10 },
  epochs,
  resumes: [],
  verifications: [],
  ...extra
})

describe('deliveredEpochs: what one award of a training task delivered, by the requester’s record', () => {
  const award = { taskId: 't0', worker: A, sinceMs: AWARD }

  it('counts the stored (or accepted) checkpoints from the start up to the first gap', () => {
    const record = recordOf([
      epoch(1, 'stored'),
      epoch(2, 'accepted'),
      epoch(3, 'stored'),
      epoch(4, 'lost'), // the worker vanished before its checkpoint was copied
      epoch(5, 'stored') // after a gap: the next worker redoes it
    ])
    assert.equal(deliveredEpochs(record, award), 3)
  })

  it('counts nothing that was only reported, superseded or rejected, nor another worker’s or task’s epochs', () => {
    const record = recordOf([
      epoch(1, 'reported'),
      epoch(2, 'superseded'),
      epoch(1, 'stored', B),
      epoch(1, 'stored', A, AWARD + 1, 't1')
    ])
    assert.equal(deliveredEpochs(record, award), 0)
    assert.equal(deliveredEpochs(record, { ...award, worker: B }), 1)
  })

  it('starts at the resume point the award was given (decided just before it), and ignores epochs of an earlier award', () => {
    const record = recordOf(
      [
        epoch(1, 'stored', A, AWARD - 500),
        epoch(2, 'stored', A, AWARD - 400),
        epoch(3, 'stored'),
        epoch(4, 'stored')
      ],
      { resumes: [{ taskId: 't0', worker: A, fromEpoch: 3, at: AWARD - 1 }] }
    )
    assert.equal(deliveredEpochs(record, award), 2)
  })

  it('a worker whose model was rejected for the job delivered nothing', () => {
    const record = recordOf([epoch(1, 'stored'), epoch(2, 'stored')], {
      verifications: [
        {
          taskId: 't0',
          worker: A,
          accepted: false,
          reason: 'held-out accuracy below the baseline',
          heldOutAccuracy: 0.1,
          heldOutLoss: 9,
          baselineAccuracy: 0.5,
          baselineLoss: 1,
          at: AWARD + 10
        }
      ]
    })
    assert.equal(deliveredEpochs(record, award), 0)
  })
})
