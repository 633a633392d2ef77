import { MAX_IMAGE_SIDE } from './constants.js'
import type { RgbaImage } from './image-decode.js'

/** What every image of a dataset becomes: [height, width, channels], channels 1 (gray) or 3 (RGB). */
export type ImageShape = [height: number, width: number, channels: number]

/** Field errors of an image shape [height, width, channels]; empty when usable. */
export function imageShapeErrors(path: string, value: unknown): Record<string, string> {
  const ok =
    Array.isArray(value) &&
    value.length === 3 &&
    value.every((v) => Number.isInteger(v)) &&
    value[0] >= 1 &&
    value[0] <= MAX_IMAGE_SIDE &&
    value[1] >= 1 &&
    value[1] <= MAX_IMAGE_SIDE &&
    (value[2] === 1 || value[2] === 3)
  return ok
    ? {}
    : {
        [path]: `give [height, width, channels] with sides from 1 to ${MAX_IMAGE_SIDE} and 1 (gray) or 3 (RGB) channels, e.g. [28, 28, 1]`
      }
}

/**
 * One channel plane of an RGBA image as floats 0..255: gray (ITU-R 601 luma) or R, G, B.
 * Alpha is composited over black, so transparent pixels read as 0.
 */
function planes(image: RgbaImage, channels: number): Float64Array[] {
  const n = image.width * image.height
  const out = Array.from({ length: channels }, () => new Float64Array(n))
  const d = image.data
  for (let p = 0; p < n; p++) {
    const a = d[p * 4 + 3]! / 255
    const r = d[p * 4]! * a
    const g = d[p * 4 + 1]! * a
    const b = d[p * 4 + 2]! * a
    if (channels === 1) out[0]![p] = 0.299 * r + 0.587 * g + 0.114 * b
    else {
      out[0]![p] = r
      out[1]![p] = g
      out[2]![p] = b
    }
  }
  return out
}

/** Source coordinates of each target index along one axis (half-pixel centres, clamped). */
function axis(target: number, source: number): { lo: Int32Array; hi: Int32Array; t: Float64Array } {
  const lo = new Int32Array(target)
  const hi = new Int32Array(target)
  const t = new Float64Array(target)
  const scale = source / target
  for (let i = 0; i < target; i++) {
    const at = Math.min(Math.max((i + 0.5) * scale - 0.5, 0), source - 1)
    lo[i] = Math.floor(at)
    hi[i] = Math.min(lo[i]! + 1, source - 1)
    t[i] = at - lo[i]!
  }
  return { lo, hi, t }
}

/**
 * Resizes an image bilinearly (half-pixel centres, like tf.image.resizeBilinear) to `shape`
 * and scales values to [0, 1]. Row-major, channels last: the layout tfjs expects for
 * [height, width, channels]. Pure arithmetic in float64, so requester and worker get the same
 * numbers from the same file.
 */
export function resizeImage(image: RgbaImage, shape: ImageShape): Float64Array {
  const [height, width, channels] = shape
  const src = planes(image, channels)
  const ys = axis(height, image.height)
  const xs = axis(width, image.width)
  const out = new Float64Array(height * width * channels)
  const w = image.width
  for (let y = 0; y < height; y++) {
    const y0 = ys.lo[y]! * w
    const y1 = ys.hi[y]! * w
    const ty = ys.t[y]!
    for (let x = 0; x < width; x++) {
      const x0 = xs.lo[x]!
      const x1 = xs.hi[x]!
      const tx = xs.t[x]!
      for (let c = 0; c < channels; c++) {
        const p = src[c]!
        const top = p[y0 + x0]! + (p[y0 + x1]! - p[y0 + x0]!) * tx
        const bottom = p[y1 + x0]! + (p[y1 + x1]! - p[y1 + x0]!) * tx
        out[(y * width + x) * channels + c] = (top + (bottom - top) * ty) / 255
      }
    }
  }
  return out
}
