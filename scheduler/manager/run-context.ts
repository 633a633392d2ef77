import type { Logger } from '../../protocols/common/logger.js'
import type { JobKindRegistry } from '../spec/registry.js'
import type { JobManagerEvent, JobManagerOptions, JobManagerPorts } from './types.js'

/** What a JobRun gets from its manager. */
export interface RunContext {
  ports: JobManagerPorts
  options: JobManagerOptions
  kinds: JobKindRegistry
  clock: JobManagerPorts['clock']
  log: Logger
  /** Failed tasks per worker over every job (shared by all runs, for ranking). */
  globalFailures: Map<string, number>
  emit(event: JobManagerEvent): void
  /** Runs `work` in the job's serial queue (for timers). */
  enqueue(jobId: string, work: () => Promise<void>): void
}
