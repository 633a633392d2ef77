// The New render job form: what a person types (strings), checked here with the node's own limits, turned into a
// RenderSubmission. Errors are keyed by the API's field paths (`render.samples`, `maxPricePerUnit`…) so the
// form shows the node's field errors and its own in the same places.
import { formatTokens, parseTokens } from './tokens.js'
import type { FrameSelection, RenderDevice, RenderEngine, RenderFormat, RenderSubmission } from './types.js'

/** The node's limits (scheduler/spec/constants.ts). */
export const RENDER_LIMITS = {
  maxFrames: 10_000,
  maxFrameNumber: 1_048_574,
  minResolution: 16,
  maxResolution: 16_384,
  maxSamples: 65_536,
  maxInputBytes: 16 * 2 ** 30
} as const

export interface RenderForm {
  cid: string
  /** The .blend's file name as the worker saves it. */
  name: string
  /** Bytes, as typed or as the upload reported. */
  size: string
  /** `1-240`, `1, 5, 9` or both: `1-10, 20`. */
  frames: string
  samples: string
  resolutionX: string
  resolutionY: string
  engine: RenderEngine
  device: RenderDevice
  format: RenderFormat
  /** Tokens, e.g. `0.01`. */
  maxPrice: string
  /** Tokens; empty: max price × frames. */
  budget: string
  /** Hours; empty: the node's default (2 h). */
  deadlineHours: string
}

export function defaultRenderForm(): RenderForm {
  return {
    cid: '',
    name: '',
    size: '',
    frames: '1-24',
    samples: '32',
    resolutionX: '1280',
    resolutionY: '720',
    engine: 'CYCLES',
    device: 'CPU',
    format: 'PNG',
    maxPrice: '',
    budget: '',
    deadlineHours: ''
  }
}

export type FieldErrors = Record<string, string>

export type FramesParse = { ok: true; frames: FrameSelection; count: number } | { ok: false; message: string }

/** `1-4` → a range; `1, 3, 5-7` → the ascending list 1,3,5,6,7. */
export function parseFrames(text: string): FramesParse {
  const trimmed = text.trim()
  if (trimmed === '') return { ok: false, message: 'Enter frames like 1-240 or 1, 5, 9' }
  const single = /^(\d+)\s*[-–]\s*(\d+)$/.exec(trimmed)
  if (single !== null) {
    const start = Number(single[1])
    const end = Number(single[2])
    if (end < start) return { ok: false, message: `The end frame must be at or after ${start}` }
    const problem = frameNumberProblem(end)
    if (problem !== null) return { ok: false, message: problem }
    const count = end - start + 1
    if (count > RENDER_LIMITS.maxFrames) {
      return {
        ok: false,
        message: `At most ${RENDER_LIMITS.maxFrames.toLocaleString('en-US')} frames per job`
      }
    }
    return { ok: true, frames: { start, end }, count }
  }
  const frames = new Set<number>()
  for (const part of trimmed.split(/[,\s]+/).filter((p) => p !== '')) {
    const m = /^(\d+)(?:[-–](\d+))?$/.exec(part)
    if (m === null) return { ok: false, message: `"${part}" is not a frame or a range like 10-20` }
    const start = Number(m[1])
    const end = m[2] === undefined ? start : Number(m[2])
    if (end < start) return { ok: false, message: `In ${part} the end comes before the start` }
    const problem = frameNumberProblem(end)
    if (problem !== null) return { ok: false, message: problem }
    if (frames.size + (end - start + 1) > RENDER_LIMITS.maxFrames) {
      return {
        ok: false,
        message: `At most ${RENDER_LIMITS.maxFrames.toLocaleString('en-US')} frames per job`
      }
    }
    for (let f = start; f <= end; f++) frames.add(f)
  }
  const list = [...frames].sort((a, b) => a - b)
  return { ok: true, frames: list, count: list.length }
}

function frameNumberProblem(frame: number): string | null {
  return frame > RENDER_LIMITS.maxFrameNumber
    ? `Frame numbers go up to ${RENDER_LIMITS.maxFrameNumber}`
    : null
}

function parseWhole(text: string, min: number, max: number, what: string): number | string {
  const trimmed = text.trim()
  if (!/^\d+$/.test(trimmed)) return `Enter ${what} as a whole number from ${min} to ${max}`
  const value = Number(trimmed)
  if (value < min || value > max) return `Enter ${what} from ${min} to ${max.toLocaleString('en-US')}`
  return value
}

/** A name the node accepts for a .blend (`render.input.name`), made from any file name. */
export function sceneFileName(fileName: string): string {
  const base = fileName.split(/[\\/]/).pop() ?? ''
  const stem = base
    .replace(/\.blend$/i, '')
    .replace(/[^A-Za-z0-9 ._-]/g, '_')
    .replace(/\.{2,}/g, '.')
  const clean = stem.replace(/^[^A-Za-z0-9]+/, '').slice(0, 120)
  return `${clean === '' ? 'scene' : clean}.blend`
}

const NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9 ._()-]*\.blend$/

/**
 * Checks the form and builds the submission. `submission` is null when any field is wrong; `errors` has one
 * message per API field path. `frames` is the frame count when the frames field is valid.
 */
export function buildRenderSubmission(form: RenderForm): {
  submission: RenderSubmission | null
  errors: FieldErrors
  frames: number | null
} {
  const errors: FieldErrors = {}
  const cid = form.cid.trim()
  if (cid === '') errors['render.input.cid'] = 'Upload a .blend or paste the CID of one added to this node'
  else if (!/^[A-Za-z0-9]{20,200}$/.test(cid))
    errors['render.input.cid'] = 'That does not look like a CID (bafy…, Qm…)'
  const name = form.name.trim()
  if (!NAME_PATTERN.test(name) || name.includes('..')) {
    errors['render.input.name'] = 'A plain file name ending in .blend, e.g. scene.blend'
  }
  const size = parseWhole(form.size, 1, RENDER_LIMITS.maxInputBytes, 'the size in bytes')
  if (typeof size === 'string') errors['render.input.size'] = size

  const frames = parseFrames(form.frames)
  if (!frames.ok) errors['render.frames'] = frames.message
  const samples = parseWhole(form.samples, 1, RENDER_LIMITS.maxSamples, 'samples')
  if (typeof samples === 'string') errors['render.samples'] = samples
  const { minResolution: lo, maxResolution: hi } = RENDER_LIMITS
  const x = parseWhole(form.resolutionX, lo, hi, 'the width')
  if (typeof x === 'string') errors['render.resolution.x'] = x
  const y = parseWhole(form.resolutionY, lo, hi, 'the height')
  if (typeof y === 'string') errors['render.resolution.y'] = y
  if (form.engine === 'BLENDER_EEVEE' && form.device !== 'CPU') {
    errors['render.device'] = 'Eevee picks its GPU by itself: choose CPU here, or use Cycles'
  }

  const maxPrice = parseTokens(form.maxPrice)
  if (!maxPrice.ok) errors.maxPricePerUnit = maxPrice.message
  else if (maxPrice.baseUnits === 0n) errors.maxPricePerUnit = 'Offer more than 0: workers are paid per frame'
  let budget: bigint | undefined
  if (form.budget.trim() !== '') {
    const parsed = parseTokens(form.budget)
    if (!parsed.ok) errors.budget = parsed.message
    else budget = parsed.baseUnits
  }
  if (budget !== undefined && maxPrice.ok && frames.ok) {
    const least = maxPrice.baseUnits * BigInt(frames.count)
    if (budget < least) {
      errors.budget = `At least max price × ${frames.count} frames = ${formatTokens(least)} tokens, or lower the max price`
    }
  }
  let deadlineInMs: number | undefined
  if (form.deadlineHours.trim() !== '') {
    const hours = Number(form.deadlineHours.trim().replace(',', '.'))
    if (!Number.isFinite(hours) || hours <= 0 || hours > 90 * 24) {
      errors.deadline = 'Enter the hours allowed, more than 0 and at most 2160 (90 days)'
    } else deadlineInMs = Math.round(hours * 3_600_000)
  }

  const count = frames.ok ? frames.count : null
  if (Object.keys(errors).length > 0 || !frames.ok || !maxPrice.ok) {
    return { submission: null, errors, frames: count }
  }
  const submission: RenderSubmission = {
    input: { cid, name, size: size as number },
    frames: frames.frames,
    engine: form.engine,
    device: form.device,
    samples: samples as number,
    resolution: { x: x as number, y: y as number },
    format: form.format,
    maxPricePerUnit: maxPrice.baseUnits.toString()
  }
  if (budget !== undefined) submission.budget = budget.toString()
  if (deadlineInMs !== undefined) submission.deadlineInMs = deadlineInMs
  return { submission, errors, frames: count }
}

/** The first error for a field path or anything under it (`render.frames` also shows `render.frames.end`). */
export function errorFor(errors: FieldErrors, path: string): string | undefined {
  if (errors[path] !== undefined) return errors[path]
  const nested = Object.keys(errors).find((key) => key.startsWith(`${path}.`))
  return nested === undefined ? undefined : errors[nested]
}

/** Errors that no field of the form shows (e.g. `requirements.*`), for a list above the Submit button. */
export function unplacedErrors(errors: FieldErrors, placed: readonly string[]): [string, string][] {
  return Object.entries(errors).filter(
    ([key]) => !placed.some((path) => key === path || key.startsWith(`${path}.`))
  )
}

/** The form fields' API paths, in the order the form shows them. */
export const FORM_FIELD_PATHS = [
  'render.input',
  'render.frames',
  'render.samples',
  'render.resolution',
  'render.engine',
  'render.device',
  'render.format',
  'maxPricePerUnit',
  'budget',
  'deadline'
] as const
