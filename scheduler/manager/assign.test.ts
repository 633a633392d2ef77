import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { bid } from '../test-support.js'
import { planAwards } from './assign.js'

const tasks = (n: number) => Array.from({ length: n }, (_, index) => ({ index }))
const workersOf = (plans: ReturnType<typeof planAwards>) => plans.map((p) => `${p.taskIndex}:${p.bid.worker}`)

describe('planAwards', () => {
  it('one task each to the best workers first', () => {
    assert.deepEqual(
      workersOf(planAwards(tasks(2), [bid('best'), bid('next'), bid('third')], new Map(), 8)),
      ['0:best', '1:next']
    )
  })

  it('spreads before stacking: a worker with two slots gets a second task only when others are full', () => {
    const ranked = [bid('big', { freeSlots: 2 }), bid('small')]
    assert.deepEqual(workersOf(planAwards(tasks(4), ranked, new Map(), 8)), ['0:big', '1:small', '2:big'])
  })

  it('counts tasks a worker already holds, and caps distinct workers', () => {
    const ranked = [bid('a'), bid('b'), bid('c')]
    assert.deepEqual(workersOf(planAwards(tasks(2), ranked, new Map([['a', 1]]), 8)), ['0:b', '1:c'])
    assert.deepEqual(workersOf(planAwards(tasks(3), ranked, new Map([['a', 1]]), 2)), ['0:b'])
  })

  it('nothing to plan without eligible capacity', () => {
    assert.deepEqual(planAwards(tasks(1), [bid('a')], new Map([['a', 1]]), 8), [])
    assert.deepEqual(planAwards(tasks(1), [], new Map(), 8), [])
  })
})
