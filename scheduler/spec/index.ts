export * from './constants.js'
export { canonicalJson, decodeJobSpec, encodeJobSpec, jobCidOf, jobIdOf } from './encode.js'
export { FieldErrors } from './field-checks.js'
export { defaultJobKinds, JobKindRegistry } from './registry.js'
export type {
  GpuVendor,
  JobKind,
  JobKindName,
  JobSpec,
  Requirements,
  SplitOptions,
  TaskPlan,
  WorkRatio
} from './types.js'
export { type ValidateOptions, validateJobSpec } from './validate.js'
