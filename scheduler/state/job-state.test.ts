import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { StateTransitionError } from '../errors.js'
import { isJobFinished, type JobState, nextJobState } from './job-state.js'

const draft: JobState = { name: 'draft', since: 0 }

describe('nextJobState', () => {
  it('walks draft → offered → running → completed, stamping when each state began', () => {
    const offered = nextJobState(draft, { type: 'offer', at: 10 })
    const running = nextJobState(offered, { type: 'award', at: 20 })
    const completed = nextJobState(running, { type: 'complete', at: 30 })
    assert.deepEqual(
      [offered, running, completed],
      [
        { name: 'offered', since: 10 },
        { name: 'running', since: 20 },
        { name: 'completed', since: 30 }
      ]
    )
    assert.ok(isJobFinished(completed))
  })

  it('a re-offer while running keeps the job running and its start time', () => {
    const running: JobState = { name: 'running', since: 20 }
    assert.equal(nextJobState(running, { type: 'offer', at: 99 }), running)
    assert.equal(nextJobState(running, { type: 'award', at: 99 }), running)
  })

  it('failed and cancelled keep their reason', () => {
    assert.deepEqual(
      nextJobState({ name: 'offered', since: 1 }, { type: 'fail', at: 5, reason: 'no bids' }),
      {
        name: 'failed',
        since: 5,
        reason: 'no bids'
      }
    )
    assert.equal(nextJobState(draft, { type: 'cancel', at: 2, reason: 'user' }).name, 'cancelled')
  })

  it('a finished job takes no event, with a typed error', () => {
    for (const name of ['completed', 'failed', 'cancelled'] as const) {
      assert.throws(
        () => nextJobState({ name, since: 0 }, { type: 'award', at: 1 }),
        (err: unknown) =>
          err instanceof StateTransitionError && err.code === 'ERR_JOB_TRANSITION' && err.from === name
      )
    }
  })

  it('cannot complete before running or award a draft', () => {
    assert.throws(
      () => nextJobState({ name: 'offered', since: 0 }, { type: 'complete', at: 1 }),
      StateTransitionError
    )
    assert.throws(() => nextJobState(draft, { type: 'award', at: 1 }), StateTransitionError)
  })
})
