// Parsing and retry timing for the node's event stream (`/api/v1/events`); no browser APIs here.
import type { NodeStatus } from './types.js'

export type NodeEvent =
  | { type: 'peer:connect'; peerId: string; at: string }
  | { type: 'peer:disconnect'; peerId: string; at: string }
  | { type: 'status'; status: NodeStatus }

const KNOWN_TYPES = new Set(['peer:connect', 'peer:disconnect', 'status'])

/** Parses one message; unknown or malformed events give null so newer nodes never break an older UI. */
export function parseEvent(data: unknown): NodeEvent | null {
  if (typeof data !== 'string') return null
  let value: unknown
  try {
    value = JSON.parse(data)
  } catch {
    return null
  }
  if (typeof value !== 'object' || value === null) return null
  const type = (value as { type?: unknown }).type
  if (typeof type !== 'string' || !KNOWN_TYPES.has(type)) return null
  if (type === 'status') {
    const status = (value as { status?: unknown }).status
    return typeof status === 'object' && status !== null ? { type, status: status as NodeStatus } : null
  }
  const { peerId, at } = value as { peerId?: unknown; at?: unknown }
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
