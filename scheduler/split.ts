import type { TaskPlan } from './spec/types.js'

/** Default upper bound on frames per task, so a task lost with its worker is cheap to redo. */
export const DEFAULT_MAX_UNITS_PER_TASK = 50

/**
 * Splits ascending `units` (render: frames) into contiguous, balanced tasks for `workers` workers.
 *
 * - At least one task per worker while units last; never an empty task.
 * - No task above `maxUnitsPerTask`; when that forces more tasks than workers, the task count is
 *   rounded up to a multiple of `workers` so every worker gets the same number of tasks.
 * - Sizes differ by at most one unit; larger tasks come first.
 */
export function splitUnits(units: readonly number[], workers: number, maxUnitsPerTask: number): TaskPlan[] {
  if (!Number.isSafeInteger(workers) || workers < 1)
    throw new RangeError('workers must be a whole number ≥ 1')
  if (!Number.isSafeInteger(maxUnitsPerTask) || maxUnitsPerTask < 1) {
    throw new RangeError('maxUnitsPerTask must be a whole number ≥ 1')
  }
  const total = units.length
  if (total === 0) return []
  const bySize = Math.ceil(total / maxUnitsPerTask)
  const rounds = Math.ceil(bySize / workers)
  const count = Math.min(total, Math.max(workers * rounds, bySize))
  const base = Math.floor(total / count)
  const larger = total % count
  const plans: TaskPlan[] = []
  let at = 0
  for (let index = 0; index < count; index++) {
    const size = base + (index < larger ? 1 : 0)
    plans.push({ index, units: units.slice(at, at + size) })
    at += size
  }
  return plans
}
