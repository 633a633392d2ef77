import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { StateTransitionError } from '../errors.js'
import {
  initialTaskState,
  nextTaskState,
  overdueTasks,
  type TaskEvent,
  type TaskState
} from './task-state.js'

function run(events: TaskEvent[], from: TaskState = initialTaskState(0)): TaskState {
  return events.reduce(nextTaskState, from)
}

describe('nextTaskState', () => {
  it('the happy path: award, progress, deliver, accept', () => {
    const state = run([
      { type: 'award', at: 1, worker: 'alice' },
      { type: 'progress', at: 2 },
      { type: 'deliver', at: 3 },
      { type: 'accept', at: 4 }
    ])
    assert.deepEqual(state, { name: 'accepted', since: 4, worker: 'alice', attempts: 1, lastSeenAt: 2 })
  })

  it('a heartbeat keeps an awarded task awarded but refreshes its last sign of life', () => {
    const state = run([
      { type: 'award', at: 1, worker: 'alice' },
      { type: 'heartbeat', at: 7 }
    ])
    assert.equal(state.name, 'awarded')
    assert.equal(state.since, 1)
    assert.equal(state.lastSeenAt, 7)
  })

  it('an out-of-order old heartbeat does not move the last sign of life back', () => {
    const state = run([
      { type: 'award', at: 1, worker: 'alice' },
      { type: 'progress', at: 9 },
      { type: 'heartbeat', at: 5 }
    ])
    assert.equal(state.lastSeenAt, 9)
  })

  it('failure, reassignment to another worker, second attempt', () => {
    const failed = run([
      { type: 'award', at: 1, worker: 'alice' },
      { type: 'fail', at: 2, reason: 'Blender crashed' }
    ])
    assert.equal(failed.error, 'Blender crashed')
    const reassigned = nextTaskState(failed, { type: 'reassign', at: 3 })
    assert.equal(reassigned.name, 'reassigned')
    assert.equal(reassigned.worker, undefined)
    const again = nextTaskState(reassigned, { type: 'award', at: 4, worker: 'bob' })
    assert.deepEqual(again, { name: 'awarded', since: 4, worker: 'bob', attempts: 2, lastSeenAt: 4 })
  })

  it('a rejected delivery fails the task; a timeout says since when the worker was silent', () => {
    const rejected = run([
      { type: 'award', at: 1, worker: 'alice' },
      { type: 'deliver', at: 2 },
      { type: 'reject', at: 3, reason: 'wrong resolution' }
    ])
    assert.equal(rejected.name, 'failed')
    const silent = run([
      { type: 'award', at: 0, worker: 'alice' },
      { type: 'heartbeat-timeout', at: 60_000 }
    ])
    assert.equal(silent.name, 'failed')
    assert.match(silent.error!, /no heartbeat since 1970-01-01T00:00:00.000Z/)
  })

  it('invalid transitions throw ERR_TASK_TRANSITION: stale heartbeats, double awards, results for pending tasks', () => {
    const accepted = run([
      { type: 'award', at: 1, worker: 'a' },
      { type: 'deliver', at: 2 },
      { type: 'accept', at: 3 }
    ])
    const isTransition = (err: unknown): boolean =>
      err instanceof StateTransitionError && err.code === 'ERR_TASK_TRANSITION'
    assert.throws(() => nextTaskState(accepted, { type: 'heartbeat', at: 4 }), isTransition)
    assert.throws(() => nextTaskState(accepted, { type: 'cancel', at: 4 }), isTransition)
    assert.throws(
      () =>
        run([
          { type: 'award', at: 1, worker: 'a' },
          { type: 'award', at: 2, worker: 'b' }
        ]),
      isTransition
    )
    assert.throws(() => run([{ type: 'deliver', at: 1 }]), isTransition)
    assert.throws(() => run([{ type: 'reassign', at: 1 }]), isTransition)
  })
})

describe('overdueTasks', () => {
  const task = (state: TaskState): { id: string; state: TaskState } => ({ id: state.worker ?? '-', state })

  it('finds active tasks silent for longer than the timeout, and only those', () => {
    const tasks = [
      task({ name: 'running', since: 0, worker: 'silent', attempts: 1, lastSeenAt: 1000 }),
      task({ name: 'running', since: 0, worker: 'chatty', attempts: 1, lastSeenAt: 25_000 }),
      task({ name: 'awarded', since: 0, worker: 'never-started', attempts: 1, lastSeenAt: 0 }),
      task({ name: 'delivered', since: 0, worker: 'done', attempts: 1, lastSeenAt: 0 }),
      task({ name: 'pending', since: 0, attempts: 0 })
    ]
    assert.deepEqual(
      overdueTasks(tasks, 31_001, 30_000).map((t) => t.id),
      ['silent', 'never-started']
    )
    assert.deepEqual(overdueTasks(tasks, 30_000, 30_000), [])
  })
})
