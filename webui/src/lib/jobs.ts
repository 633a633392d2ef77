// Render job helpers shared by the job pages and their tests: frames of a job, ranges in words, progress.
import type { FrameSelection, JobDetail, JobStateName, JobSummary, TaskView } from './types.js'

const FINISHED: readonly JobStateName[] = ['completed', 'failed', 'cancelled']

export function isJobFinished(state: JobStateName): boolean {
  return FINISHED.includes(state)
}

/** Frame numbers of a selection; a huge range is cut at `limit`. */
export function framesOf(selection: FrameSelection, limit = 10_000): number[] {
  if (Array.isArray(selection)) return selection.slice(0, limit)
  const out: number[] = []
  for (let f = selection.start; f <= selection.end && out.length < limit; f++) out.push(f)
  return out
}

/** Every frame of the job, in order: the split's units once known, else the spec's selection. */
export function jobFrames(detail: JobDetail): number[] {
  if (detail.job.units.length > 0) return detail.job.units
  const render = detail.job.spec.render
  return render === undefined ? [] : framesOf(render.frames)
}

/** `1–4, 7, 9–10` for the frames 1,2,3,4,7,9,10 (input in any order). */
export function frameRanges(frames: readonly number[]): string {
  const sorted = [...new Set(frames)].sort((a, b) => a - b)
  const parts: string[] = []
  let i = 0
  while (i < sorted.length) {
    const start = sorted[i] as number
    let end = start
    while (i + 1 < sorted.length && sorted[i + 1] === end + 1) {
      end += 1
      i += 1
    }
    parts.push(start === end ? `${start}` : `${start}–${end}`)
    i += 1
  }
  return parts.join(', ')
}

/** The live report of a worker rendering a task (from `job:progress` events). */
export interface LiveProgress {
  frame: number
  sample: number
  samples: number
  framesDone: number
  framesTotal: number
  at: number
}

/** How far a task is, 0…1: delivered frames plus the share of the frame being rendered now. */
export function taskFraction(task: TaskView, live?: LiveProgress): number {
  if (task.state.name === 'accepted' || task.state.name === 'delivered') return 1
  const total = live?.framesTotal ?? task.progress?.unitsTotal ?? task.units.length
  if (total <= 0) return 0
  const done = Math.max(live?.framesDone ?? 0, task.progress?.unitsDone ?? 0)
  const partial = live !== undefined && live.samples > 0 && done < total ? live.sample / live.samples : 0
  return Math.min(1, (done + partial) / total)
}

/** The frame file name the node uses (`frame_0001.png`) when a download has no name of its own. */
export function frameFileName(frame: number, format: string | undefined): string {
  const ext = format === 'JPEG' ? 'jpg' : format === 'OPEN_EXR' ? 'exr' : 'png'
  return `frame_${String(frame).padStart(4, '0')}.${ext}`
}

/** Jobs per state, for the short summaries (Explorer, list header). */
export function countByState(jobs: readonly JobSummary[]): Record<JobStateName, number> {
  const counts: Record<JobStateName, number> = {
    draft: 0,
    offered: 0,
    running: 0,
    completed: 0,
    failed: 0,
    cancelled: 0
  }
  for (const job of jobs) counts[job.state] = (counts[job.state] ?? 0) + 1
  return counts
}

/** `bafy…` job ids are long: the start and the end are enough to tell jobs apart. */
export function shortJobId(id: string, head = 8, tail = 6): string {
  return id.length <= head + tail + 1 ? id : `${id.slice(0, head)}…${id.slice(-tail)}`
}
