import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { chartScale, linePath } from './chart.js'

const box = { width: 100, height: 50 }

describe('line charts', () => {
  it('maps the data range onto the box, y upwards', () => {
    const series = [
      {
        label: 'loss',
        color: '',
        points: [
          [1, 2],
          [2, 1],
          [3, 0]
        ] as const
      }
    ]
    const scale = chartScale(series, box)
    assert.deepEqual(scale, { xMin: 1, xMax: 3, yMin: 0, yMax: 2 })
    assert.equal(linePath(series[0]!.points, scale, box), 'M0 0 L50 25 L100 50')
  })

  it('breaks the line at a missing value and clamps to a fixed range', () => {
    const points = [
      [0, 50],
      [1, null],
      [2, 150],
      [3, 100]
    ] as const
    const scale = chartScale([{ label: 'gpu %', color: '', points }], { ...box, yMin: 0, yMax: 100 })
    assert.equal(linePath(points, scale, box), 'M0 25 M66.7 0 L100 0')
  })

  it('copes with one point, a flat line and no data', () => {
    const flat = chartScale([{ label: '', color: '', points: [[5, 3]] }], box)
    assert.ok(flat.xMax > flat.xMin && flat.yMax > flat.yMin)
    assert.equal(linePath([[5, 3]], flat, box), 'M50 50')
    const empty = chartScale([], { ...box, fromZero: true })
    assert.deepEqual(empty, { xMin: 0, xMax: 1, yMin: 0, yMax: 1 })
  })
})
