import type { EpochRecord, TrainJobRecord } from './train-store.js'

/** Statuses of an epoch whose checkpoint this node holds (or that is part of the accepted model). */
const HELD: ReadonlyArray<EpochRecord['status']> = ['stored', 'accepted']

/**
 * How many epochs one award of a training task delivered, by this requester's own record (never
 * the worker's claim): the run of consecutive epochs, from where the award started, whose
 * checkpoints reported by that worker for that task since `sinceMs` (the award) this node
 * stored. Another worker can resume from exactly those, so they are the work paid for. A gap
 * ends the run (later epochs are redone by the next worker), and a worker whose model this node
 * rejected for the job delivered nothing.
 */
export function deliveredEpochs(
  record: TrainJobRecord,
  award: { taskId: string; worker: string; sinceMs: number }
): number {
  const { taskId, worker, sinceMs } = award
  if (record.verifications.some((v) => v.worker === worker && !v.accepted)) return 0
  const held = new Set(
    record.epochs
      .filter(
        (e) =>
          e.taskId === taskId && e.worker === worker && e.reportedAt >= sinceMs && HELD.includes(e.status)
      )
      .map((e) => e.epoch)
  )
  if (held.size === 0) return 0
  // where the award started: the resume point this node gave it (decided just before the award
  // was sent, and a task never goes back to a worker), else its first epoch held
  const resumed = record.resumes.filter((r) => r.taskId === taskId && r.worker === worker)
  let epoch = resumed.at(-1)?.fromEpoch ?? Math.min(...held)
  let count = 0
  while (held.has(epoch)) {
    count++
    epoch++
  }
  return count
}
