// Scales data series into SVG paths for the small line charts (hardware monitor, training curves).

export interface ChartSeries {
  label: string
  /** A Tailwind stroke class, e.g. `stroke-indigo-500`. */
  color: string
  points: ReadonlyArray<readonly [number, number | null]>
}

export interface ChartBox {
  width: number
  height: number
  /** Fixed y range; otherwise the data's range (with 0 included when `fromZero`). */
  yMin?: number
  yMax?: number
  fromZero?: boolean
}

export interface ChartScale {
  xMin: number
  xMax: number
  yMin: number
  yMax: number
}

/** The x and y range over every series; a flat or empty range is widened so nothing divides by zero. */
export function chartScale(series: readonly ChartSeries[], box: ChartBox): ChartScale {
  const xs: number[] = []
  const ys: number[] = []
  for (const s of series) {
    for (const [x, y] of s.points) {
      if (!Number.isFinite(x)) continue
      xs.push(x)
      if (y !== null && Number.isFinite(y)) ys.push(y)
    }
  }
  let xMin = xs.length > 0 ? Math.min(...xs) : 0
  let xMax = xs.length > 0 ? Math.max(...xs) : 1
  if (xMax === xMin) {
    xMin -= 1
    xMax += 1
  }
  let yMin = box.yMin ?? (ys.length > 0 ? Math.min(...ys) : 0)
  let yMax = box.yMax ?? (ys.length > 0 ? Math.max(...ys) : 1)
  if (box.fromZero === true && box.yMin === undefined) yMin = Math.min(0, yMin)
  if (yMax === yMin) {
    yMax = yMin + (Math.abs(yMin) > 0 ? Math.abs(yMin) * 0.1 : 1)
  }
  return { xMin, xMax, yMin, yMax }
}

/**
 * An SVG path (`M x y L x y …`) for one series in a `width`×`height` box, y growing upwards.
 * A missing value (null) breaks the line; values outside a fixed range are clamped to it.
 */
export function linePath(points: ChartSeries['points'], scale: ChartScale, box: ChartBox): string {
  const parts: string[] = []
  let drawing = false
  for (const [x, y] of points) {
    if (y === null || !Number.isFinite(y) || !Number.isFinite(x)) {
      drawing = false
      continue
    }
    const px = ((x - scale.xMin) / (scale.xMax - scale.xMin)) * box.width
    const clamped = Math.min(scale.yMax, Math.max(scale.yMin, y))
    const py = box.height - ((clamped - scale.yMin) / (scale.yMax - scale.yMin)) * box.height
    parts.push(`${drawing ? 'L' : 'M'}${round(px)} ${round(py)}`)
    drawing = true
  }
  return parts.join(' ')
}

const round = (v: number): number => Math.round(v * 10) / 10
