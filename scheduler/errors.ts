import { RynusError } from '../protocols/common/errors.js'

/**
 * A job spec failed validation. `fields` maps each bad field's path (`render.frames.start`,
 * `requirements.capabilities[2]`) to a message saying what to put there instead.
 */
export class JobSpecError extends RynusError {
  readonly fields: Record<string, string>

  constructor(fields: Record<string, string>) {
    const entries = Object.entries(fields)
    const shown = entries
      .slice(0, 3)
      .map(([path, message]) => `${path}: ${message}`)
      .join('; ')
    const more = entries.length > 3 ? ` (and ${entries.length - 3} more)` : ''
    super(`The job spec is invalid. Fix these fields and submit again: ${shown}${more}`, 'ERR_JOB_SPEC')
    this.fields = fields
  }
}

/** A job or task event that its current state does not allow (a programming error or a stale message). */
export class StateTransitionError extends RynusError {
  readonly machine: 'job' | 'task'
  readonly from: string
  readonly event: string

  constructor(machine: 'job' | 'task', from: string, event: string) {
    super(
      `a ${machine} in state "${from}" cannot take the event "${event}"; the message is stale or out of order`,
      machine === 'job' ? 'ERR_JOB_TRANSITION' : 'ERR_TASK_TRANSITION'
    )
    this.machine = machine
    this.from = from
    this.event = event
  }
}

/** No job with this id is known to this node. */
export class JobNotFoundError extends RynusError {
  readonly jobId: string

  constructor(jobId: string) {
    super(`no job ${jobId} on this node; list jobs with \`rynus-node job ls\``, 'ERR_JOB_NOT_FOUND')
    this.jobId = jobId
  }
}

/** The operator's bidding policy is unusable (e.g. allowed hours that are not `HH:MM-HH:MM`). */
export class BiddingPolicyError extends RynusError {
  constructor(message: string) {
    super(message, 'ERR_BIDDING_POLICY')
  }
}

/** A job kind is registered twice or asked for but unknown. */
export class JobKindError extends RynusError {
  constructor(message: string) {
    super(message, 'ERR_JOB_KIND')
  }
}

/** The scheduler was asked for work while stopped. */
export class SchedulerStoppedError extends RynusError {
  constructor() {
    super('the job scheduler is not running; start the node and try again', 'ERR_SCHEDULER_STOPPED')
  }
}
