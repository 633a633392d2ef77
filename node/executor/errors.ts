import { RynusError } from '../../protocols/common/errors.js'

/** The render task asks for something invalid (a path outside the job folder, zero samples, …). */
export class RenderTaskError extends RynusError {
  readonly field: string

  constructor(field: string, problem: string) {
    super(`render task field ${field} ${problem}`, 'ERR_RENDER_TASK')
    this.field = field
  }
}

/** Blender ran and failed: a corrupt or unsupported .blend, a missing GPU, a crash, a limit hit. */
export class RenderFailedError extends RynusError {
  /** Blender's own error lines (e.g. "Failed to read blend file …: Missing DNA block"). */
  readonly blenderErrors: readonly string[]
  readonly exitCode: number | null

  constructor(detail: string, blenderErrors: readonly string[], exitCode: number | null) {
    super(
      `Blender could not render the task: ${detail}. Check the .blend opens in Blender 3.4 and the task's ` +
        'engine, device and limits; the task may be given to another worker',
      'ERR_RENDER_FAILED'
    )
    this.blenderErrors = blenderErrors
    this.exitCode = exitCode
  }
}

/** The render passed its timeout and was killed with every process it started. */
export class RenderTimeoutError extends RynusError {
  readonly timeoutMs: number
  readonly framesDone: number

  constructor(timeoutMs: number, framesDone: number, framesTotal: number) {
    super(
      `the render did not finish within ${timeoutMs} ms (${framesDone} of ${framesTotal} frames done) and was ` +
        'killed; give the task a longer timeout, fewer frames or fewer samples',
      'ERR_RENDER_TIMEOUT'
    )
    this.timeoutMs = timeoutMs
    this.framesDone = framesDone
  }
}

/** The caller's AbortSignal stopped the render. */
export class RenderCancelledError extends RynusError {
  constructor() {
    super('the render was cancelled and its processes were killed', 'ERR_RENDER_CANCELLED')
  }
}

/** Blender is not installed where the sandbox looks for it. */
export class BlenderUnavailableError extends RynusError {
  constructor(blenderPath: string) {
    super(
      `Blender was not found at ${blenderPath} inside the sandbox; install it (apt-get install blender) ` +
        'or set the executor blenderPath to a Blender under /usr',
      'ERR_BLENDER_UNAVAILABLE'
    )
  }
}
