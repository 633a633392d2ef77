import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { countByState, frameFileName, frameRanges, framesOf, jobFrames, taskFraction } from './jobs.js'
import type { JobDetail, JobSummary, TaskView } from './types.js'

const task = (extra: Partial<TaskView> = {}): TaskView => ({
  taskId: 'task-0',
  index: 0,
  units: [1, 2, 3, 4],
  state: { name: 'running', since: 0, attempts: 1 },
  outputs: {},
  ...extra
})

describe('frames', () => {
  it('expands a range and keeps a list', () => {
    assert.deepEqual(framesOf({ start: 3, end: 6 }), [3, 4, 5, 6])
    assert.deepEqual(framesOf([1, 5, 9]), [1, 5, 9])
    assert.equal(framesOf({ start: 1, end: 1_000_000 }, 50).length, 50)
  })

  it('takes the split units once the job is split, the spec before', () => {
    const detail = {
      job: { units: [], spec: { render: { frames: { start: 1, end: 3 } } } }
    } as unknown as JobDetail
    assert.deepEqual(jobFrames(detail), [1, 2, 3])
    detail.job.units = [1, 2, 3, 10]
    assert.deepEqual(jobFrames(detail), [1, 2, 3, 10])
  })

  it('writes frames as ranges', () => {
    assert.equal(frameRanges([10, 9, 1, 2, 3, 4, 7]), '1–4, 7, 9–10')
    assert.equal(frameRanges([5]), '5')
    assert.equal(frameRanges([]), '')
  })

  it('names frame files like the node does', () => {
    assert.equal(frameFileName(1, 'PNG'), 'frame_0001.png')
    assert.equal(frameFileName(12345, 'JPEG'), 'frame_12345.jpg')
    assert.equal(frameFileName(7, 'OPEN_EXR'), 'frame_0007.exr')
  })
})

describe('taskFraction', () => {
  it('counts delivered frames and the share of the frame being rendered', () => {
    assert.equal(taskFraction(task()), 0)
    assert.equal(taskFraction(task({ progress: { unitsDone: 2, unitsTotal: 4, at: 0 } })), 0.5)
    const live = { frame: 3, sample: 2, samples: 4, framesDone: 2, framesTotal: 4, at: 0 }
    assert.equal(taskFraction(task(), live), 0.625)
  })

  it('is full once the task is delivered or accepted', () => {
    assert.equal(taskFraction(task({ state: { name: 'accepted', since: 0, attempts: 1 } })), 1)
  })
})

describe('countByState', () => {
  it('counts jobs per state', () => {
    const jobs = ['running', 'completed', 'completed'].map(
      (state, i) => ({ id: `j${i}`, state }) as unknown as JobSummary
    )
    const counts = countByState(jobs)
    assert.equal(counts.completed, 2)
    assert.equal(counts.running, 1)
    assert.equal(counts.failed, 0)
  })
})
