export { buildBwrapArgs, prlimitArgs, readHostLayout } from './bwrap-args.js'
export { SANDBOX_JOB_DIR } from './constants.js'
export { SandboxSpecError, SandboxUnavailableError } from './errors.js'
export type { HostUser } from './job-dir-owner.js'
export {
  assertSandboxAvailable,
  runSandboxed,
  type SandboxComponents,
  type SandboxRunOptions
} from './sandbox.js'
export type { SandboxFile, SandboxLimits, SandboxResult, SandboxSpec } from './types.js'
