import { CID } from 'multiformats/cid'
import {
  MAX_FRAME_NUMBER,
  MAX_FRAMES,
  MAX_INPUT_BYTES,
  MAX_INPUT_NAME_LENGTH,
  MAX_RESOLUTION,
  MAX_SAMPLES,
  MIN_RESOLUTION
} from '../../spec/constants.js'
import {
  checkInteger,
  checkObject,
  checkOneOf,
  checkString,
  describe,
  FieldErrors,
  join
} from '../../spec/field-checks.js'
import type { JobSpec } from '../../spec/types.js'
import { RENDER_DEVICES, RENDER_ENGINES, RENDER_FORMATS } from './types.js'

const PARAMS = ['input', 'frames', 'engine', 'device', 'samples', 'resolution', 'format']

/** Field errors for `spec.render` (paths start with `render.`), including envelope consistency. */
export function validateRenderParams(params: unknown, spec: JobSpec): Record<string, string> {
  const errors = new FieldErrors()
  const path = 'render'
  if (!checkObject(errors, path, params, PARAMS)) return errors.fields
  checkInput(errors, params.input)
  checkFrames(errors, params.frames)
  const engine = checkOneOf(errors, 'render.engine', params.engine, RENDER_ENGINES)
    ? params.engine
    : undefined
  const device = checkOneOf(errors, 'render.device', params.device, RENDER_DEVICES)
    ? params.device
    : undefined
  checkInteger(errors, 'render.samples', params.samples, 1, MAX_SAMPLES)
  if (checkObject(errors, 'render.resolution', params.resolution, ['x', 'y'])) {
    checkInteger(errors, 'render.resolution.x', params.resolution.x, MIN_RESOLUTION, MAX_RESOLUTION)
    checkInteger(errors, 'render.resolution.y', params.resolution.y, MIN_RESOLUTION, MAX_RESOLUTION)
  }
  checkOneOf(errors, 'render.format', params.format, RENDER_FORMATS)
  if (engine === 'BLENDER_EEVEE' && device !== undefined && device !== 'CPU') {
    errors.add(
      'render.device',
      'give CPU for Eevee (Eevee picks its GPU through OpenGL), or use engine CYCLES'
    )
  }
  const vendor = spec.requirements?.gpuVendor
  if ((device === 'CUDA' || device === 'OPTIX') && vendor === 'amd') {
    errors.add('render.device', `${device} needs an NVIDIA GPU but requirements.gpuVendor is amd; use HIP`)
  }
  if (device === 'HIP' && vendor === 'nvidia') {
    errors.add(
      'render.device',
      'HIP needs an AMD GPU but requirements.gpuVendor is nvidia; use CUDA or OPTIX'
    )
  }
  return errors.fields
}

function checkInput(errors: FieldErrors, input: unknown): void {
  if (!checkObject(errors, 'render.input', input, ['cid', 'name', 'size'])) return
  if (typeof input.cid !== 'string' || !isCid(input.cid)) {
    errors.add(
      'render.input.cid',
      `give the CID of the .blend as added to this node, not ${describe(input.cid)}`
    )
  }
  if (checkString(errors, 'render.input.name', input.name, MAX_INPUT_NAME_LENGTH)) {
    const name = input.name
    if (!/^[A-Za-z0-9][A-Za-z0-9 ._()-]*\.blend$/.test(name) || name.includes('..')) {
      errors.add(
        'render.input.name',
        'give a plain file name ending in .blend (letters, digits, space, . _ - ( ); no folders, no "..")'
      )
    }
  }
  checkInteger(errors, 'render.input.size', input.size, 1, MAX_INPUT_BYTES)
}

function checkFrames(errors: FieldErrors, frames: unknown): void {
  const path = 'render.frames'
  if (Array.isArray(frames)) {
    if (frames.length === 0 || frames.length > MAX_FRAMES) {
      errors.add(path, `list from 1 to ${MAX_FRAMES} frames, not ${frames.length}`)
      return
    }
    frames.forEach((frame, i) => {
      if (!checkInteger(errors, join(path, i), frame, 0, MAX_FRAME_NUMBER)) return
      if (i > 0 && typeof frames[i - 1] === 'number' && frame <= frames[i - 1]) {
        errors.add(join(path, i), 'list frames in ascending order without repeats')
      }
    })
    return
  }
  if (!checkObject(errors, path, frames, ['start', 'end'])) return
  const startOk = checkInteger(errors, `${path}.start`, frames.start, 0, MAX_FRAME_NUMBER)
  if (!checkInteger(errors, `${path}.end`, frames.end, 0, MAX_FRAME_NUMBER) || !startOk) return
  const start = frames.start as number
  const end = frames.end as number
  if (end < start) errors.add(`${path}.end`, `give an end frame at or after the start frame ${start}`)
  else if (end - start + 1 > MAX_FRAMES) {
    errors.add(
      path,
      `span at most ${MAX_FRAMES} frames (this range has ${end - start + 1}); submit several jobs`
    )
  }
}

function isCid(text: string): boolean {
  if (text.length > 200) return false
  try {
    CID.parse(text)
    return true
  } catch {
    return false
  }
}
