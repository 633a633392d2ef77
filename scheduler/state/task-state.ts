import { StateTransitionError } from '../errors.js'

/**
 * pending → awarded → running → delivered → accepted. A task whose worker errs, goes silent or
 * delivers a rejected result is `failed`, then `reassigned` (waiting for another worker), then
 * awarded again. Any unfinished task can be `cancelled`.
 */
export type TaskStateName =
  | 'pending'
  | 'awarded'
  | 'running'
  | 'delivered'
  | 'accepted'
  | 'failed'
  | 'reassigned'
  | 'cancelled'

export interface TaskState {
  name: TaskStateName
  /** ms since the epoch when the task entered this state. */
  since: number
  /** The worker holding the task (awarded, running, delivered, accepted, failed). */
  worker?: string
  /** Times the task was awarded. */
  attempts: number
  /** Last sign of life from the worker: award, progress or heartbeat. */
  lastSeenAt?: number
  /** Why the last attempt failed. */
  error?: string
}

export type TaskEvent =
  | { type: 'award'; at: number; worker: string }
  | { type: 'heartbeat'; at: number }
  | { type: 'progress'; at: number }
  | { type: 'deliver'; at: number }
  | { type: 'accept'; at: number }
  | { type: 'reject'; at: number; reason: string }
  | { type: 'fail'; at: number; reason: string }
  | { type: 'heartbeat-timeout'; at: number }
  | { type: 'reassign'; at: number }
  | { type: 'cancel'; at: number }

const ACTIVE: readonly TaskStateName[] = ['awarded', 'running']

const TRANSITIONS: Record<TaskEvent['type'], Partial<Record<TaskStateName, TaskStateName>>> = {
  award: { pending: 'awarded', reassigned: 'awarded' },
  heartbeat: { awarded: 'awarded', running: 'running' },
  progress: { awarded: 'running', running: 'running' },
  deliver: { awarded: 'delivered', running: 'delivered' },
  accept: { delivered: 'accepted' },
  reject: { delivered: 'failed' },
  fail: { awarded: 'failed', running: 'failed' },
  'heartbeat-timeout': { awarded: 'failed', running: 'failed' },
  reassign: { failed: 'reassigned' },
  cancel: {
    pending: 'cancelled',
    awarded: 'cancelled',
    running: 'cancelled',
    delivered: 'cancelled',
    failed: 'cancelled',
    reassigned: 'cancelled'
  }
}

export function initialTaskState(at: number): TaskState {
  return { name: 'pending', since: at, attempts: 0 }
}

/** Awarded or running: a worker is on it and owes heartbeats. */
export function isTaskActive(state: TaskState): boolean {
  return ACTIVE.includes(state.name)
}

/** Pending or reassigned: waiting for a worker. */
export function isTaskWaiting(state: TaskState): boolean {
  return state.name === 'pending' || state.name === 'reassigned'
}

export function taskEventAllowed(state: TaskState, type: TaskEvent['type']): boolean {
  return TRANSITIONS[type][state.name] !== undefined
}

/** The state after `event`, or StateTransitionError (code ERR_TASK_TRANSITION). */
export function nextTaskState(state: TaskState, event: TaskEvent): TaskState {
  const name = TRANSITIONS[event.type][state.name]
  if (name === undefined) throw new StateTransitionError('task', state.name, event.type)
  const since = name === state.name ? state.since : event.at
  switch (event.type) {
    case 'award':
      return { name, since, worker: event.worker, attempts: state.attempts + 1, lastSeenAt: event.at }
    case 'heartbeat':
    case 'progress':
      return { ...state, name, since, lastSeenAt: Math.max(event.at, state.lastSeenAt ?? event.at) }
    case 'reject':
    case 'fail':
      return { ...state, name, since, error: event.reason }
    case 'heartbeat-timeout':
      return {
        ...state,
        name,
        since,
        error: `no heartbeat since ${new Date(state.lastSeenAt ?? state.since).toISOString()}`
      }
    case 'reassign': {
      const { worker: _worker, lastSeenAt: _seen, ...rest } = state
      return { ...rest, name, since }
    }
    default:
      return { ...state, name, since }
  }
}

/**
 * Tasks whose worker owes a heartbeat and has been silent for more than `heartbeatTimeoutMs`
 * (measured from the last award, progress or heartbeat).
 */
export function overdueTasks<T extends { state: TaskState }>(
  tasks: readonly T[],
  now: number,
  heartbeatTimeoutMs: number
): T[] {
  return tasks.filter(
    (task) =>
      isTaskActive(task.state) && now - (task.state.lastSeenAt ?? task.state.since) > heartbeatTimeoutMs
  )
}
