/**
 * Writes a deterministic image-folder dataset: `<out>/circle|square|triangle/NNN.png`, 28 × 28
 * grayscale PNGs of one filled shape at a random position and size, with pixel noise. Tests generate it into a temp dir; the images are not committed.
 *
 *   node dist/simulations/assets/train/generate-shapes.js <out dir> [per class]
 */
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { PNG } from 'pngjs'
import { seededRng } from '../../../scheduler/rng.js'

export const SHAPES = ['circle', 'square', 'triangle'] as const
export const SHAPE_SIZE = 28
const SEED = 20_261_127

type Shape = (typeof SHAPES)[number]

/** Whether pixel (x, y) lies inside the shape centred at (cx, cy) with half-size r. */
function inside(shape: Shape, x: number, y: number, cx: number, cy: number, r: number): boolean {
  const dx = x - cx
  const dy = y - cy
  if (shape === 'circle') return dx * dx + dy * dy <= r * r
  if (shape === 'square') return Math.abs(dx) <= r * 0.85 && Math.abs(dy) <= r * 0.85
  // an upright triangle: apex at the top, base at the bottom
  const t = (dy + r) / (2 * r)
  return t >= 0 && t <= 1 && Math.abs(dx) <= t * r
}

/** One 28 × 28 grayscale PNG of `shape`, drawn with `random`. */
export function drawShape(shape: Shape, random: () => number): Buffer {
  const size = SHAPE_SIZE
  const r = 8 + random() * 5
  const cx = r + random() * (size - 2 * r)
  const cy = r + random() * (size - 2 * r)
  const png = new PNG({ width: size, height: size, colorType: 0, inputColorType: 0, bitDepth: 8 })
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const on = inside(shape, x + 0.5, y + 0.5, cx, cy, r)
      const value = (on ? 200 : 30) + (random() - 0.5) * 60
      const i = (y * size + x) * 4
      const v = Math.max(0, Math.min(255, Math.round(value)))
      png.data[i] = png.data[i + 1] = png.data[i + 2] = v
      png.data[i + 3] = 255
    }
  }
  return PNG.sync.write(png, { colorType: 0, inputColorType: 6 })
}

/** Writes `perClass` images of each shape under `dir`; returns how many were written. */
export function generateShapes(dir: string, perClass = 100, seed = SEED): number {
  const random = seededRng(seed)
  for (const shape of SHAPES) mkdirSync(join(dir, shape), { recursive: true })
  for (let i = 0; i < perClass; i++) {
    for (const shape of SHAPES) {
      writeFileSync(join(dir, shape, `${String(i).padStart(3, '0')}.png`), drawShape(shape, random))
    }
  }
  return perClass * SHAPES.length
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const out = process.argv[2]
  if (out === undefined) {
    console.error('usage: generate-shapes.js <out dir> [per class]')
    process.exit(2)
  }
  const count = generateShapes(out, Number(process.argv[3] ?? 100))
  console.log(`wrote ${count} images to ${out}`)
}
