import { peerIdFromString } from '@libp2p/peer-id'
import { JobSpecError } from '../errors.js'
import {
  CAPABILITY_PATTERN,
  GPU_MODEL_PATTERN,
  GPU_VENDORS,
  JOB_SPEC_VERSION,
  MAX_CAPABILITIES,
  MAX_CREATED_AT_SKEW_MS,
  MAX_DEADLINE_MS,
  MAX_VRAM_BYTES
} from './constants.js'
import {
  checkInteger,
  checkObject,
  checkOneOf,
  checkTokenAmount,
  describe,
  FieldErrors,
  join
} from './field-checks.js'
import { defaultJobKinds, type JobKindRegistry } from './registry.js'
import type { JobSpec } from './types.js'

const ENVELOPE = [
  'version',
  'kind',
  'requester',
  'createdAt',
  'budget',
  'maxPricePerUnit',
  'deadline',
  'requirements'
]
const REQUIREMENTS = ['capabilities', 'minVramBytes', 'gpuVendor', 'gpuModel']

export interface ValidateOptions {
  /** ms since the epoch; defaults to the system clock. */
  now?: number
  kinds?: JobKindRegistry
}

/**
 * Checks every field of a job spec and returns it as a plain JSON copy, or throws
 * `JobSpecError` with one message per bad field (path → what to do). Unknown fields are
 * errors, so a spec has one canonical encoding and one job id.
 */
export function validateJobSpec(input: unknown, options: ValidateOptions = {}): JobSpec {
  const now = options.now ?? Date.now()
  const kinds = options.kinds ?? defaultJobKinds()
  const errors = new FieldErrors()
  const kindName = (input as { kind?: unknown } | null)?.kind
  const kind = typeof kindName === 'string' ? kinds.find(kindName) : undefined
  const allowed = [...ENVELOPE, ...kinds.names()]
  if (!checkObject(errors, '', input, allowed))
    throw new JobSpecError({ spec: 'give the job spec as a JSON object' })

  if (input.version !== JOB_SPEC_VERSION)
    errors.add('version', `give ${JOB_SPEC_VERSION}, not ${describe(input.version)}`)
  if (kind === undefined)
    errors.add('kind', `give one of ${kinds.names().join(', ')}, not ${describe(kindName)}`)
  checkRequester(errors, input.requester)
  const createdAt = input.createdAt
  if (typeof createdAt !== 'number' || !Number.isSafeInteger(createdAt) || createdAt < 0) {
    errors.add('createdAt', `give the creation time in ms since the epoch, not ${describe(createdAt)}`)
  } else if (createdAt > now + MAX_CREATED_AT_SKEW_MS) {
    errors.add('createdAt', "give a creation time that is not in the future (check this computer's clock)")
  }
  const budget = checkTokenAmount(errors, 'budget', input.budget)
  const maxPrice = checkTokenAmount(errors, 'maxPricePerUnit', input.maxPricePerUnit)
  if (typeof input.deadline !== 'number' || !Number.isSafeInteger(input.deadline) || input.deadline <= now) {
    errors.add('deadline', 'give a time in the future, in ms since the epoch')
  } else if (input.deadline > now + MAX_DEADLINE_MS) {
    errors.add('deadline', `give a deadline within ${MAX_DEADLINE_MS / 86_400_000} days`)
  }
  checkRequirements(errors, input.requirements)
  for (const other of kinds.names()) {
    if (other !== kindName && input[other] !== undefined) {
      errors.add(other, `remove it: a ${describe(kindName)} job carries no ${other} parameters`)
    }
  }
  if (kind !== undefined) {
    if (input[kind.name] === undefined) errors.add(kind.name, `give the ${kind.name} parameters`)
    else errors.merge(kind.validate(input[kind.name], input as unknown as JobSpec))
  }
  if (errors.count === 0 && kind !== undefined && budget !== undefined && maxPrice !== undefined) {
    const units = BigInt(kind.units(input as unknown as JobSpec))
    if (maxPrice * units > budget) {
      errors.add(
        'budget',
        `give at least maxPricePerUnit × ${units} ${kind.unitName}s = ${maxPrice * units}, or lower maxPricePerUnit`
      )
    }
  }
  if (errors.count > 0) throw new JobSpecError(errors.fields)
  return JSON.parse(JSON.stringify(input)) as JobSpec
}

function checkRequester(errors: FieldErrors, requester: unknown): void {
  if (typeof requester !== 'string' || requester.length > 128) {
    errors.add('requester', 'give the peer id of the requesting node')
    return
  }
  try {
    peerIdFromString(requester)
  } catch {
    errors.add('requester', `give a valid peer id (e.g. 12D3KooW…), not ${describe(requester)}`)
  }
}

function checkRequirements(errors: FieldErrors, value: unknown): void {
  if (!checkObject(errors, 'requirements', value, REQUIREMENTS)) return
  const caps = value.capabilities
  if (!Array.isArray(caps) || caps.length > MAX_CAPABILITIES) {
    errors.add(
      'requirements.capabilities',
      `give a list of at most ${MAX_CAPABILITIES} capability keys ([] for none)`
    )
  } else {
    caps.forEach((key, i) => {
      if (typeof key !== 'string' || !CAPABILITY_PATTERN.test(key)) {
        errors.add(
          join('requirements.capabilities', i),
          `give a capability key like "render:blender>=3.4" or "vram:>=24g", not ${describe(key)}`
        )
      } else if (caps.indexOf(key) !== i) {
        errors.add(join('requirements.capabilities', i), `remove the repeated key "${key}"`)
      }
    })
  }
  if (value.minVramBytes !== undefined) {
    checkInteger(errors, 'requirements.minVramBytes', value.minVramBytes, 0, MAX_VRAM_BYTES)
  }
  if (value.gpuVendor !== undefined)
    checkOneOf(errors, 'requirements.gpuVendor', value.gpuVendor, GPU_VENDORS)
  if (
    value.gpuModel !== undefined &&
    (typeof value.gpuModel !== 'string' || !GPU_MODEL_PATTERN.test(value.gpuModel))
  ) {
    errors.add(
      'requirements.gpuModel',
      `give the model as lowercase words joined by "-" (e.g. "rtx-4090", "h100-80gb"), not ${describe(value.gpuModel)}`
    )
  }
}
