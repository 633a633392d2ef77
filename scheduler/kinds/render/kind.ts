import type { JobKind, JobSpec, TaskPlan, WorkRatio } from '../../spec/types.js'
import { splitUnits } from '../../split.js'
import type { FrameSelection, RenderParams } from './types.js'
import { validateRenderParams } from './validate.js'

/** Megapixel × 128 samples: the reference unit a worker's price floor is quoted for. */
const REFERENCE_WORK = 1_000_000n * 128n

/** The frame numbers of a selection, ascending. */
export function framesOf(frames: FrameSelection): number[] {
  if (Array.isArray(frames)) return [...frames]
  return Array.from({ length: frames.end - frames.start + 1 }, (_, i) => frames.start + i)
}

export function frameCount(frames: FrameSelection): number {
  return Array.isArray(frames) ? frames.length : frames.end - frames.start + 1
}

function params(spec: JobSpec): RenderParams {
  if (spec.render === undefined) throw new TypeError('a render job spec has no render parameters')
  return spec.render
}

/**
 * The render job kind. Required capabilities: `render`; for Cycles also
 * `render:*:cycles-<device>` (any Blender series with that Cycles backend, e.g.
 * `render:*:cycles-cuda`); then the requester's own `requirements.capabilities`.
 */
export const renderJobKind: JobKind = {
  name: 'render',
  unitName: 'frame',
  validate: validateRenderParams,
  units: (spec: JobSpec): number => frameCount(params(spec).frames),
  requiredCapabilities(spec: JobSpec): string[] {
    const render = params(spec)
    const keys = ['render']
    if (render.engine === 'CYCLES') keys.push(`render:*:cycles-${render.device.toLowerCase()}`)
    return [...new Set([...keys, ...spec.requirements.capabilities])]
  },
  needsGpu: (spec: JobSpec): boolean => params(spec).device !== 'CPU',
  workPerUnit(spec: JobSpec): WorkRatio {
    const { resolution, samples } = params(spec)
    return { num: BigInt(resolution.x) * BigInt(resolution.y) * BigInt(samples), den: REFERENCE_WORK }
  },
  split: (spec: JobSpec, workers: number, options): TaskPlan[] =>
    splitUnits(framesOf(params(spec).frames), workers, options.maxUnitsPerTask)
}
