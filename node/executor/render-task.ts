import { isAbsolute, normalize, sep } from 'node:path'
import { RenderTaskError } from './errors.js'

export type RenderEngine = 'CYCLES' | 'BLENDER_EEVEE'
export type RenderDevice = 'CPU' | 'CUDA' | 'OPTIX' | 'HIP'
export type RenderFormat = 'PNG' | 'OPEN_EXR' | 'JPEG'
export type FrameSpec = readonly number[] | { start: number; end: number }

/** One render task as a worker receives it, with its inputs already in a local job folder. */
export interface RenderTask {
  /** Host folder holding the inputs; outputs go to `<jobDir>/out/`. */
  jobDir: string
  /** The .blend to render, relative to jobDir (e.g. `scene.blend`). */
  blendFile: string
  frames: FrameSpec
  engine: RenderEngine
  device: RenderDevice
  samples: number
  resolution: { x: number; y: number }
  format: RenderFormat
  timeoutMs: number
}

/** Blender's frame range limit (MAXFRAME). */
export const MAX_FRAME = 1_048_574
export const MAX_FRAMES_PER_TASK = 10_000
export const MAX_SAMPLES = 1 << 24
export const MAX_RESOLUTION = 65_536

const ENGINES: readonly RenderEngine[] = ['CYCLES', 'BLENDER_EEVEE']
const DEVICES: readonly RenderDevice[] = ['CPU', 'CUDA', 'OPTIX', 'HIP']
const FORMATS: readonly RenderFormat[] = ['PNG', 'OPEN_EXR', 'JPEG']

function checkInt(field: string, value: unknown, min: number, max: number): void {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min || value > max) {
    throw new RenderTaskError(field, `must be an integer from ${min} to ${max}, got ${JSON.stringify(value)}`)
  }
}

function checkOneOf<T>(field: string, value: T, allowed: readonly T[]): void {
  if (!allowed.includes(value)) {
    throw new RenderTaskError(field, `must be one of ${allowed.join(', ')}, got ${JSON.stringify(value)}`)
  }
}

function checkBlendFile(blendFile: unknown): void {
  if (typeof blendFile !== 'string' || blendFile.length === 0)
    throw new RenderTaskError('blendFile', 'is missing')
  const normal = normalize(blendFile)
  if (isAbsolute(blendFile) || normal !== blendFile || normal.split(sep).includes('..')) {
    throw new RenderTaskError(
      'blendFile',
      `must be a plain path inside the job folder, got ${JSON.stringify(blendFile)}`
    )
  }
  if (!blendFile.endsWith('.blend')) throw new RenderTaskError('blendFile', 'must end in .blend')
  if (blendFile.startsWith('out/')) throw new RenderTaskError('blendFile', 'must not be in the out/ folder')
}

/** The frame numbers of a spec, ascending and without repeats. */
export function frameList(frames: FrameSpec): number[] {
  if ('start' in frames) {
    const list: number[] = []
    for (let f = frames.start; f <= frames.end; f++) list.push(f)
    return list
  }
  return [...new Set(frames)].sort((a, b) => a - b)
}

function checkFrames(frames: FrameSpec): void {
  if (Array.isArray(frames)) {
    if (frames.length === 0) throw new RenderTaskError('frames', 'lists no frame')
    if (frames.length > MAX_FRAMES_PER_TASK)
      throw new RenderTaskError('frames', `lists more than ${MAX_FRAMES_PER_TASK}`)
    frames.forEach((frame, i) => {
      checkInt(`frames[${i}]`, frame, 0, MAX_FRAME)
    })
    return
  }
  const range = frames as { start: number; end: number }
  checkInt('frames.start', range.start, 0, MAX_FRAME)
  checkInt('frames.end', range.end, range.start, MAX_FRAME)
  if (range.end - range.start + 1 > MAX_FRAMES_PER_TASK) {
    throw new RenderTaskError('frames', `spans more than ${MAX_FRAMES_PER_TASK} frames`)
  }
}

/** Throws RenderTaskError naming the first invalid field. */
export function validateRenderTask(task: RenderTask): void {
  if (typeof task.jobDir !== 'string' || !isAbsolute(task.jobDir)) {
    throw new RenderTaskError('jobDir', 'must be an absolute path')
  }
  checkBlendFile(task.blendFile)
  if (task.frames === null || typeof task.frames !== 'object')
    throw new RenderTaskError('frames', 'is missing')
  checkFrames(task.frames)
  checkOneOf('engine', task.engine, ENGINES)
  checkOneOf('device', task.device, DEVICES)
  if (task.engine === 'BLENDER_EEVEE' && task.device !== 'CPU') {
    throw new RenderTaskError('device', 'must be CPU for Eevee (Eevee picks its GPU through OpenGL)')
  }
  checkInt('samples', task.samples, 1, MAX_SAMPLES)
  checkInt('resolution.x', task.resolution?.x, 1, MAX_RESOLUTION)
  checkInt('resolution.y', task.resolution?.y, 1, MAX_RESOLUTION)
  checkOneOf('format', task.format, FORMATS)
  checkInt('timeoutMs', task.timeoutMs, 1, 7 * 24 * 3600 * 1000)
}

/**
 * Blender's `-f` argument: `a..b` for a range, else consecutive runs compressed
 * (`1..3,7,9..10`), so a long list stays a short command line.
 */
export function blenderFrameArg(frames: FrameSpec): string {
  if ('start' in frames)
    return frames.start === frames.end ? `${frames.start}` : `${frames.start}..${frames.end}`
  const parts: string[] = []
  const list = frameList(frames)
  let runStart = list[0]!
  for (let i = 1; i <= list.length; i++) {
    if (i < list.length && list[i] === list[i - 1]! + 1) continue
    const runEnd = list[i - 1]!
    parts.push(runStart === runEnd ? `${runStart}` : `${runStart}..${runEnd}`)
    runStart = list[i]!
  }
  return parts.join(',')
}
