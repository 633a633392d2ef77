import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { splitUnits } from './split.js'

const range = (start: number, end: number): number[] =>
  Array.from({ length: end - start + 1 }, (_, i) => start + i)

describe('splitUnits', () => {
  it('12 frames over two workers: two contiguous tasks of six', () => {
    assert.deepEqual(splitUnits(range(1, 12), 2, 50), [
      { index: 0, units: range(1, 6) },
      { index: 1, units: range(7, 12) }
    ])
  })

  it('sizes differ by at most one, bigger first, every frame exactly once in order', () => {
    const plans = splitUnits(range(0, 9), 3, 50)
    assert.deepEqual(
      plans.map((p) => p.units.length),
      [4, 3, 3]
    )
    assert.deepEqual(
      plans.flatMap((p) => p.units),
      range(0, 9)
    )
  })

  it('the per-task cap makes more tasks, a multiple of the worker count', () => {
    const plans = splitUnits(range(1, 100), 3, 30)
    assert.equal(plans.length, 6)
    assert.ok(plans.every((p) => p.units.length <= 30))
    assert.deepEqual(
      plans.flatMap((p) => p.units),
      range(1, 100)
    )
  })

  it('more workers than frames: one frame per task, no empty task', () => {
    assert.deepEqual(
      splitUnits([5, 9], 4, 50).map((p) => p.units),
      [[5], [9]]
    )
  })

  it('keeps a frame list with gaps contiguous by position', () => {
    assert.deepEqual(
      splitUnits([1, 2, 10, 11, 30], 2, 50).map((p) => p.units),
      [
        [1, 2, 10],
        [11, 30]
      ]
    )
  })

  it('refuses zero workers', () => {
    assert.throws(() => splitUnits([1], 0, 10), RangeError)
  })
})
