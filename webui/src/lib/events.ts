// Parsing and retry timing for the node's event stream (`/api/v1/events`); no browser APIs here.
import type { JobStateName, NodeStatus } from './types.js'

/** A render job's event as the node sends it in `{ type: 'job:<type>', event }`. */
export interface JobEvent {
  jobId: string
  /** ms since the epoch. */
  at: number
  /** submitted, offered, bid, no-bids, awarded, award-declined, progress, task-delivered, task-accepted… */
  type: string
  message: string
  taskId?: string
  worker?: string
  /** On `progress`: the worker's report. */
  progress?: { frame: number; sample: number; samples: number; framesDone: number; framesTotal: number }
  /** On events that change the job's state. */
  state?: JobStateName
}

export type NodeEvent =
  | { type: 'peer:connect'; peerId: string; at: string }
  | { type: 'peer:disconnect'; peerId: string; at: string }
  | { type: 'status'; status: NodeStatus }
  | { type: 'job'; event: JobEvent }

const KNOWN_TYPES = new Set(['peer:connect', 'peer:disconnect', 'status'])

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

function parseJobEvent(value: unknown): JobEvent | null {
  if (!isRecord(value)) return null
  const { jobId, at, type, message } = value
  if (typeof jobId !== 'string' || typeof type !== 'string') return null
  const event: JobEvent = {
    jobId,
    at: typeof at === 'number' ? at : Date.now(),
    type,
    message: typeof message === 'string' ? message : ''
  }
  if (typeof value.taskId === 'string') event.taskId = value.taskId
  if (typeof value.worker === 'string') event.worker = value.worker
  if (typeof value.state === 'string') event.state = value.state as JobStateName
  const p = value.progress
  if (
    isRecord(p) &&
    ['frame', 'sample', 'samples', 'framesDone', 'framesTotal'].every((k) => typeof p[k] === 'number')
  ) {
    event.progress = p as unknown as NonNullable<JobEvent['progress']>
  }
  return event
}

/** Parses one message; unknown or malformed events give null so newer nodes never break an older UI. */
export function parseEvent(data: unknown): NodeEvent | null {
  if (typeof data !== 'string') return null
  let value: unknown
  try {
    value = JSON.parse(data)
  } catch {
    return null
  }
  if (!isRecord(value)) return null
  const type = value.type
  if (typeof type !== 'string') return null
  if (type.startsWith('job:')) {
    const event = parseJobEvent(value.event)
    return event === null ? null : { type: 'job', event }
  }
  if (!KNOWN_TYPES.has(type)) return null
  if (type === 'status') {
    const status = value.status
    return typeof status === 'object' && status !== null ? { type, status: status as NodeStatus } : null
  }
  const { peerId, at } = value
  if (typeof peerId !== 'string') return null
  return { type: type as 'peer:connect' | 'peer:disconnect', peerId, at: typeof at === 'string' ? at : '' }
}

/** Delay before retry number `attempt` (0-based): exponential with ±20 % jitter so many tabs do not reconnect in step. */
export function backoffDelay(
  attempt: number,
  minDelayMs: number,
  maxDelayMs: number,
  random = Math.random
): number {
  const base = Math.min(maxDelayMs, minDelayMs * 2 ** Math.min(attempt, 20))
  return Math.round(base * (0.8 + 0.4 * random()))
}
