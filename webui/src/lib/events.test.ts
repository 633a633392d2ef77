import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { backoffDelay, parseEvent } from './events.js'

describe('parseEvent', () => {
  it('reads peer events', () => {
    const event = parseEvent('{"type":"peer:connect","peerId":"12D3KooWA","at":"2025-01-01T00:00:00Z"}')
    assert.deepEqual(event, { type: 'peer:connect', peerId: '12D3KooWA', at: '2025-01-01T00:00:00Z' })
  })

  it('reads a status event', () => {
    const event = parseEvent('{"type":"status","status":{"peerId":"12D3KooWA","connections":2}}')
    assert.equal(event?.type, 'status')
  })

  it('reads a job event with its worker progress', () => {
    const event = parseEvent(
      JSON.stringify({
        type: 'job:progress',
        event: {
          jobId: 'bagaa1',
          at: 1700000000000,
          type: 'progress',
          message: 'task-0: 1 of 2 frames done',
          taskId: 'task-0',
          worker: '12D3KooWA',
          progress: { frame: 2, sample: 3, samples: 4, framesDone: 1, framesTotal: 2 }
        }
      })
    )
    assert.deepEqual(event, {
      type: 'job',
      event: {
        jobId: 'bagaa1',
        at: 1700000000000,
        type: 'progress',
        message: 'task-0: 1 of 2 frames done',
        taskId: 'task-0',
        worker: '12D3KooWA',
        progress: { frame: 2, sample: 3, samples: 4, framesDone: 1, framesTotal: 2 }
      }
    })
    const done = parseEvent(
      '{"type":"job:completed","event":{"jobId":"j","at":1,"type":"completed","message":"","state":"completed"}}'
    )
    assert.equal(done?.type === 'job' ? done.event.state : undefined, 'completed')
  })

  it('ignores unknown types, broken JSON and events without their fields', () => {
    assert.equal(parseEvent('{"type":"job:progress","jobId":"x"}'), null)
    assert.equal(parseEvent('{"type":"job:progress","event":{"type":"progress"}}'), null)
    assert.equal(parseEvent('{not json'), null)
    assert.equal(parseEvent('{"type":"peer:disconnect"}'), null)
    assert.equal(parseEvent('{"type":"status"}'), null)
    assert.equal(parseEvent(new Uint8Array([1, 2])), null)
  })
})

describe('backoffDelay', () => {
  const mid = (): number => 0.5
  it('doubles from the first delay up to the cap', () => {
    assert.deepEqual(
      [0, 1, 2, 3, 4, 5, 6].map((n) => backoffDelay(n, 1000, 30_000, mid)),
      [1000, 2000, 4000, 8000, 16_000, 30_000, 30_000]
    )
    assert.equal(backoffDelay(500, 1000, 30_000, mid), 30_000)
  })

  it('spreads retries by at most 20 % either way', () => {
    assert.equal(
      backoffDelay(2, 1000, 30_000, () => 0),
      3200
    )
    assert.equal(
      backoffDelay(2, 1000, 30_000, () => 0.999_999),
      4800
    )
  })
})
