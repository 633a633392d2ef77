import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { setImmediate as tick } from 'node:timers/promises'
import { SerialQueue } from './serial-queue.js'

describe('SerialQueue', () => {
  it('runs work on one key in call order, even when earlier work is slower or fails', async () => {
    const queue = new SerialQueue()
    const order: string[] = []
    const slow = queue.run('job', async () => {
      await tick()
      await tick()
      order.push('slow')
    })
    const failing = queue.run('job', async () => {
      order.push('failing')
      throw new Error('boom')
    })
    const fast = queue.run('job', async () => {
      order.push('fast')
      return 42
    })
    await slow
    await assert.rejects(failing, /boom/)
    assert.equal(await fast, 42)
    assert.deepEqual(order, ['slow', 'failing', 'fast'])
  })

  it('other keys do not wait; idle() waits for work queued while waiting', async () => {
    const queue = new SerialQueue()
    const order: string[] = []
    void queue.run('a', async () => {
      await tick()
      order.push('a')
      void queue.run('c', async () => {
        order.push('c')
      })
    })
    void queue.run('b', async () => {
      order.push('b')
    })
    await queue.idle()
    assert.deepEqual(order, ['b', 'a', 'c'])
  })
})
