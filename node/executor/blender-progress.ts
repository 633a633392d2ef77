/** What one line of Blender's background-render output says, if anything we track. */
export type BlenderLine =
  | { kind: 'sample'; frame: number; sample: number; samples: number }
  | { kind: 'saved'; path: string }
  | { kind: 'error'; message: string }

/** Sent to the caller as a render advances. */
export interface RenderProgress {
  /** The frame being rendered, or the frame just saved. */
  frame: number
  sample: number
  samples: number
  /** Frames saved so far. */
  framesDone: number
  framesTotal: number
  /** Set on the event of a saved frame: the host path of the file. */
  savedPath?: string
}

// Cycles 3.x: "Fra:12 Mem:10.67M (Peak 11.24M) | Time:00:00.06 | … | Scene, ViewLayer | Sample 1/16"
const CYCLES_SAMPLE = /^Fra:(-?\d+) .*\| Sample (\d+)\/(\d+)\s*$/
// Cycles 2.8–2.9x and Eevee: "Fra:12 Mem:… | Rendering 16 / 32 samples"
const RENDERING_SAMPLES = /^Fra:(-?\d+) .*\| Rendering (\d+) \/ (\d+) samples\s*$/
const SAVED = /^Saved: '(.+)'\s*$/
// "Error: Failed to read blend file '…': Missing DNA block", "Error: File format is not supported in file '…'"
const ERROR = /^Error: (.+)$/
const SETUP_ERROR = /^rynus-setup: error: (.+)$/

/** Parses one stdout line of `blender -b … -f …`. */
export function parseBlenderLine(line: string): BlenderLine | undefined {
  const sample = CYCLES_SAMPLE.exec(line) ?? RENDERING_SAMPLES.exec(line)
  if (sample !== null) {
    return { kind: 'sample', frame: Number(sample[1]), sample: Number(sample[2]), samples: Number(sample[3]) }
  }
  const saved = SAVED.exec(line)
  if (saved !== null) return { kind: 'saved', path: saved[1]! }
  const error = SETUP_ERROR.exec(line) ?? ERROR.exec(line)
  if (error !== null) return { kind: 'error', message: error[1]! }
  return undefined
}

const FRAME_IN_NAME = /(-?\d+)\.[A-Za-z0-9]+$/

/** The frame number Blender put in an output file name (`frame_0012.png` → 12). */
export function frameOfOutput(path: string): number | undefined {
  const match = FRAME_IN_NAME.exec(path)
  return match === null ? undefined : Number(match[1])
}

const MAX_ERRORS_KEPT = 20

/**
 * Follows a render through Blender's output lines: current frame and sample, saved files and
 * error lines. Feed it lines; it calls onProgress for each sample line and each saved frame.
 */
export class BlenderProgressTracker {
  /** Saved output per frame, as sandbox paths. */
  readonly saved = new Map<number, string>()
  readonly errors: string[] = []
  private samples = 0

  constructor(
    private readonly framesTotal: number,
    private readonly onProgress: (progress: RenderProgress) => void,
    private readonly toHostPath: (sandboxPath: string) => string | undefined
  ) {}

  push(line: string): void {
    const parsed = parseBlenderLine(line)
    if (parsed === undefined) return
    if (parsed.kind === 'error') {
      if (this.errors.length < MAX_ERRORS_KEPT) this.errors.push(parsed.message)
      return
    }
    if (parsed.kind === 'sample') {
      this.samples = parsed.samples
      this.emit({ frame: parsed.frame, sample: parsed.sample, samples: parsed.samples })
      return
    }
    const frame = frameOfOutput(parsed.path)
    const hostPath = this.toHostPath(parsed.path)
    if (frame === undefined || hostPath === undefined) return
    this.saved.set(frame, hostPath)
    this.emit({ frame, sample: this.samples, samples: this.samples, savedPath: hostPath })
  }

  private emit(progress: Omit<RenderProgress, 'framesDone' | 'framesTotal'>): void {
    this.onProgress({ ...progress, framesDone: this.saved.size, framesTotal: this.framesTotal })
  }
}
