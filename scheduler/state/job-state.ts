import { StateTransitionError } from '../errors.js'

/**
 * draft → offered → running → completed, with failed and cancelled reachable from every
 * unfinished state. `offered`: bids are being collected and no task is awarded yet; `running`:
 * at least one task was awarded (re-offers for lost tasks happen while running).
 */
export type JobStateName = 'draft' | 'offered' | 'running' | 'completed' | 'failed' | 'cancelled'

export interface JobState {
  name: JobStateName
  /** ms since the epoch when the job entered this state. */
  since: number
  /** Why the job failed or was cancelled. */
  reason?: string
}

export type JobEvent =
  | { type: 'offer'; at: number }
  | { type: 'award'; at: number }
  | { type: 'complete'; at: number }
  | { type: 'fail'; at: number; reason: string }
  | { type: 'cancel'; at: number; reason: string }

const FINISHED: readonly JobStateName[] = ['completed', 'failed', 'cancelled']

/** Where each event leads from each state; a missing entry is an invalid transition. */
const TRANSITIONS: Record<JobEvent['type'], Partial<Record<JobStateName, JobStateName>>> = {
  offer: { draft: 'offered', offered: 'offered', running: 'running' },
  award: { offered: 'running', running: 'running' },
  complete: { running: 'completed' },
  fail: { draft: 'failed', offered: 'failed', running: 'failed' },
  cancel: { draft: 'cancelled', offered: 'cancelled', running: 'cancelled' }
}

export function isJobFinished(state: JobState): boolean {
  return FINISHED.includes(state.name)
}

export function jobEventAllowed(state: JobState, type: JobEvent['type']): boolean {
  return TRANSITIONS[type][state.name] !== undefined
}

/** The state after `event`, or StateTransitionError (code ERR_JOB_TRANSITION). */
export function nextJobState(state: JobState, event: JobEvent): JobState {
  const name = TRANSITIONS[event.type][state.name]
  if (name === undefined) throw new StateTransitionError('job', state.name, event.type)
  if (name === state.name) return state
  const next: JobState = { name, since: event.at }
  if (event.type === 'fail' || event.type === 'cancel') next.reason = event.reason
  return next
}
