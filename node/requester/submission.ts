import type {
  FrameSelection,
  JobSpec,
  RenderDevice,
  RenderEngine,
  RenderFormat
} from '../../scheduler/index.js'

/** What a person asks for when submitting a render (CLI, API, web UI). Money in token base units. */
export interface RenderSubmission {
  input: { cid: string; name: string; size: number }
  frames: FrameSelection
  engine?: RenderEngine
  device?: RenderDevice
  samples?: number
  resolution?: { x: number; y: number }
  format?: RenderFormat
  /** Most paid per frame, base units as a decimal string. */
  maxPricePerUnit: string
  /** Most paid for the whole job; default maxPricePerUnit × frames. */
  budget?: string
  /** Time allowed from now, ms; default two hours. */
  deadlineInMs?: number
  requirements?: JobSpec['requirements']
}

export const DEFAULT_DEADLINE_MS = 2 * 60 * 60 * 1000

function frameTotal(frames: FrameSelection): number {
  return Array.isArray(frames) ? frames.length : Math.max(0, frames.end - frames.start + 1)
}

/** The job spec for a submission (validated by the scheduler afterwards, with field errors). */
export function renderSpecFrom(s: RenderSubmission, requester: string, now: number): unknown {
  let budget = s.budget
  if (budget === undefined && /^\d+$/.test(String(s.maxPricePerUnit))) {
    budget = (BigInt(s.maxPricePerUnit) * BigInt(frameTotal(s.frames))).toString()
  }
  return {
    version: 1,
    kind: 'render',
    requester,
    createdAt: now,
    budget: budget ?? s.maxPricePerUnit,
    maxPricePerUnit: s.maxPricePerUnit,
    deadline: now + (s.deadlineInMs ?? DEFAULT_DEADLINE_MS),
    requirements: s.requirements ?? { capabilities: [] },
    render: {
      input: s.input,
      frames: s.frames,
      engine: s.engine ?? 'CYCLES',
      device: s.device ?? 'CPU',
      samples: s.samples ?? 32,
      resolution: s.resolution ?? { x: 640, y: 360 },
      format: s.format ?? 'PNG'
    }
  }
}
