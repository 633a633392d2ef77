/**
 * Every key layout of the level repositories, in one place. Values are JSON. Keys are strings
 * ordered so one job's entries form a contiguous range (`<jobId>!…`; job ids are CIDs, which
 * never contain `!`).
 */
export const SUBLEVELS = {
  /** jobId → JobRecord */
  jobs: 'jobs',
  /** `<jobId>!<task index, 6 digits>` → TaskRecord */
  tasks: 'job-tasks',
  /** `<jobId>!<seq, 12 digits>` → JobLogEntry */
  events: 'job-events',
  /** `<cid>!<peerId>` → PinRecord (pins a super-peer keeps for other peers) */
  pins: 'pins'
} as const

const SEPARATOR = '!'
/** The character after SEPARATOR, closing a job's range. */
const SEPARATOR_END = '"'
const TASK_INDEX_DIGITS = 6
const EVENT_SEQ_DIGITS = 12

export function taskKey(jobId: string, index: number): string {
  return `${jobId}${SEPARATOR}${String(index).padStart(TASK_INDEX_DIGITS, '0')}`
}

export function eventKey(jobId: string, seq: number): string {
  return `${jobId}${SEPARATOR}${String(seq).padStart(EVENT_SEQ_DIGITS, '0')}`
}

/** The key range holding one job's tasks or events. */
export function jobRange(jobId: string): { gt: string; lt: string } {
  return { gt: `${jobId}${SEPARATOR}`, lt: `${jobId}${SEPARATOR_END}` }
}

/** The seq in an event key. */
export function seqOfEventKey(key: string): number {
  return Number(key.slice(key.lastIndexOf(SEPARATOR) + 1))
}

/** The key of one peer's pin of one CID (CIDs and peer ids never contain `!`). */
export function pinKey(cid: string, peer: string): string {
  return `${cid}${SEPARATOR}${peer}`
}

/** The key range holding every peer's pin of `cid`. */
export function cidRange(cid: string): { gt: string; lt: string } {
  return { gt: `${cid}${SEPARATOR}`, lt: `${cid}${SEPARATOR_END}` }
}
