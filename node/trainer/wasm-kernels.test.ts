import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { selectBackend } from './backend.js'

describe('wasm kernels added for training', () => {
  it('the Conv2D filter gradient on wasm equals the cpu backend’s', async () => {
    const { tf, info } = await selectBackend({ force: 'wasm' })
    assert.equal(info.backend, 'wasm')
    const size = (shape: readonly number[]): number => shape.reduce((a, b) => a * b, 1)
    const cases: { x: number[]; f: number[]; strides: number | [number, number]; pad: 'same' | 'valid' }[] = [
      { x: [2, 7, 6, 3], f: [3, 3, 3, 4], strides: 1, pad: 'same' },
      { x: [1, 9, 8, 2], f: [3, 2, 2, 5], strides: 2, pad: 'valid' },
      { x: [3, 5, 5, 1], f: [5, 5, 1, 2], strides: [2, 1], pad: 'same' }
    ]
    for (const c of cases) {
      const grads: number[][] = []
      for (const backend of ['wasm', 'cpu']) {
        await tf.setBackend(backend)
        const x = tf.tensor4d(
          Array.from({ length: size(c.x) }, (_, i) => Math.sin(i)),
          c.x as never
        )
        const f = tf.tensor4d(
          Array.from({ length: size(c.f) }, (_, i) => Math.cos(i)),
          c.f as never
        )
        const g = tf.grad((w) =>
          tf
            .conv2d(x, w as typeof f, c.strides, c.pad)
            .square()
            .sum()
        )(f)
        grads.push(Array.from(await g.data()))
        tf.dispose([x, f, g])
      }
      assert.equal(grads[0]!.length, size(c.f))
      grads[0]!.forEach((v, i) => {
        assert.ok(
          Math.abs(v - grads[1]![i]!) <= 1e-3 * (1 + Math.abs(v)),
          `${JSON.stringify(c)} [${i}]: ${v} vs ${grads[1]![i]}`
        )
      })
    }
    await tf.setBackend('wasm')
  })
})
