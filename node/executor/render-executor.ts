import { lstat, mkdir } from 'node:fs/promises'
import { availableParallelism } from 'node:os'
import { join, posix } from 'node:path'
import type { Logger } from '../../protocols/common/logger.js'
import {
  DEFAULT_FILE_SIZE_BYTES,
  defaultMaxProcesses,
  defaultMemoryBytes,
  SANDBOX_JOB_DIR
} from '../sandbox/constants.js'
import type { HostUser } from '../sandbox/job-dir-owner.js'
import { runSandboxed } from '../sandbox/sandbox.js'
import type { SandboxLimits, SandboxResult } from '../sandbox/types.js'
import { BlenderProgressTracker, type RenderProgress } from './blender-progress.js'
import {
  BlenderUnavailableError,
  RenderCancelledError,
  RenderFailedError,
  RenderTaskError,
  RenderTimeoutError
} from './errors.js'
import { RENDER_SETUP_SCRIPT, type RenderSetupSettings, SETUP_SCRIPT_PATH } from './render-setup-script.js'
import {
  blenderFrameArg,
  frameList,
  type RenderDevice,
  type RenderTask,
  validateRenderTask
} from './render-task.js'

export const OUTPUT_FOLDER = 'out'
const OUTPUT_PATTERN = `${SANDBOX_JOB_DIR}/${OUTPUT_FOLDER}/frame_####`

/** Device nodes a GPU render needs; missing ones are skipped. */
const GPU_DEVICE_NODES: Record<Exclude<RenderDevice, 'CPU'>, readonly string[]> = {
  CUDA: nvidiaNodes(),
  OPTIX: nvidiaNodes(),
  HIP: ['/dev/kfd', '/dev/dri']
}

function nvidiaNodes(): string[] {
  const cards = Array.from({ length: 16 }, (_, i) => `/dev/nvidia${i}`)
  return [
    '/dev/nvidiactl',
    '/dev/nvidia-uvm',
    '/dev/nvidia-uvm-tools',
    '/dev/nvidia-modeset',
    ...cards,
    '/dev/dri'
  ]
}

export interface RenderExecutorOptions {
  /** Blender inside the sandbox (the sandbox sees the host's /usr); default `blender` from PATH. */
  blenderPath?: string
  bwrapPath?: string
  /** Render threads (`-t`); 0 = one per core. */
  threads?: number
  /** Overrides of the sandbox limits; the wall timeout is the task's timeoutMs. */
  limits?: Partial<Omit<SandboxLimits, 'wallTimeoutMs'>>
  /** Host uid/gid of the sandbox; see SandboxRunOptions.hostUser. */
  hostUser?: HostUser | null
}

export interface RenderExecutorComponents {
  logger: Logger
}

export interface RenderRunOptions {
  onProgress?: (progress: RenderProgress) => void
  signal?: AbortSignal
}

export interface RenderedFrame {
  frame: number
  /** Host path of the output file, inside `<jobDir>/out/`. */
  path: string
}

export interface RenderResult {
  frames: RenderedFrame[]
}

const SIGNAL_EXITS: Record<number, string> = {
  134: 'Blender aborted (SIGABRT)',
  137: 'Blender was killed (SIGKILL)',
  139: 'Blender crashed (SIGSEGV; often memory exhausted under the memory limit)',
  152: 'Blender used up its CPU-time limit (SIGXCPU)',
  153: 'Blender wrote a file larger than the file-size limit (SIGXFSZ)'
}

const MAX_REASON_CHARS = 300

/** The last non-empty line of a stream tail (e.g. "error while loading shared libraries: …"), shortened. */
function lastLine(text: string): string | undefined {
  const line = text.trim().split('\n').pop()?.trim()
  return line ? line.slice(0, MAX_REASON_CHARS) : undefined
}

/**
 * Renders frames of a local .blend with headless Blender inside the bubblewrap sandbox:
 * auto-exec off (-Y), factory settings, our own setup script for the task's settings with
 * Freestyle off, no network, only the job folder writable, hard limits and a hard timeout.
 */
export class RenderExecutor {
  private readonly log: Logger

  constructor(
    private readonly opts: RenderExecutorOptions,
    components: RenderExecutorComponents
  ) {
    this.log = components.logger.child('render-executor')
  }

  async run(task: RenderTask, { onProgress, signal }: RenderRunOptions = {}): Promise<RenderResult> {
    validateRenderTask(task)
    await this.checkBlendFile(task)
    await mkdir(join(task.jobDir, OUTPUT_FOLDER), { recursive: true })
    const frames = frameList(task.frames)
    const outDir = join(task.jobDir, OUTPUT_FOLDER)
    const tracker = new BlenderProgressTracker(
      frames.length,
      (p) => onProgress?.(p),
      (path) =>
        path.startsWith(`${SANDBOX_JOB_DIR}/${OUTPUT_FOLDER}/`)
          ? join(outDir, posix.basename(path))
          : undefined
    )
    const blender = this.opts.blenderPath ?? 'blender'
    this.log.debug('render input', { blendFile: task.blendFile })
    this.log.info('render start', {
      frames: frames.length,
      engine: task.engine,
      device: task.device
    })
    const result = await runSandboxed(
      {
        command: blender,
        args: this.blenderArgs(task),
        jobDir: task.jobDir,
        limits: this.limits(task),
        // Blender's config and cache go to the private /tmp, so files in the job folder are never read as settings.
        env: { HOME: '/tmp' },
        files: [{ path: SETUP_SCRIPT_PATH, content: RENDER_SETUP_SCRIPT }],
        devices: task.device === 'CPU' ? [] : GPU_DEVICE_NODES[task.device],
        bwrapPath: this.opts.bwrapPath,
        hostUser: this.opts.hostUser,
        signal,
        onStdout: (line) => tracker.push(line),
        onStderr: (line) => this.log.debug('blender stderr', { line })
      },
      { logger: this.log }
    )
    return this.outcome(task, frames, tracker, result, blender)
  }

  private async checkBlendFile(task: RenderTask): Promise<void> {
    const info = await lstat(join(task.jobDir, task.blendFile)).catch(() => undefined)
    if (info === undefined || !info.isFile()) {
      throw new RenderTaskError(
        'blendFile',
        `${task.blendFile} is not a file in the job folder ${task.jobDir}`
      )
    }
  }

  private blenderArgs(task: RenderTask): string[] {
    const settings: RenderSetupSettings = {
      engine: task.engine,
      device: task.device,
      samples: task.samples,
      resolution: task.resolution,
      format: task.format,
      outputPattern: OUTPUT_PATTERN
    }
    const threads = this.opts.threads ?? 0
    return [
      '--background',
      '--disable-autoexec',
      '--factory-startup',
      '-noaudio',
      '--python-exit-code',
      '2',
      `${SANDBOX_JOB_DIR}/${task.blendFile}`,
      '--python',
      SETUP_SCRIPT_PATH,
      '--threads',
      String(threads),
      '--render-frame',
      blenderFrameArg(task.frames),
      '--',
      JSON.stringify(settings)
    ]
  }

  private limits(task: RenderTask): SandboxLimits {
    const wallSeconds = Math.ceil(task.timeoutMs / 1000)
    const cores = this.opts.threads || availableParallelism()
    return {
      // per process, all threads together: enough for every core busy for the whole timeout
      cpuSeconds: wallSeconds * cores + 10,
      // GPU drivers reserve far more address space than they use, so RLIMIT_AS would break them
      memoryBytes: task.device === 'CPU' ? defaultMemoryBytes() : 0,
      fileSizeBytes: DEFAULT_FILE_SIZE_BYTES,
      maxProcesses: defaultMaxProcesses(),
      ...this.opts.limits,
      wallTimeoutMs: task.timeoutMs
    }
  }

  private async outcome(
    task: RenderTask,
    frames: number[],
    tracker: BlenderProgressTracker,
    result: SandboxResult,
    blender: string
  ): Promise<RenderResult> {
    const done = tracker.saved.size
    this.log.info('render end', {
      exitCode: result.exitCode,
      framesDone: done,
      durationMs: result.durationMs
    })
    if (result.cancelled) throw new RenderCancelledError()
    if (result.timedOut) throw new RenderTimeoutError(task.timeoutMs, done, frames.length)
    // prlimit could not exec Blender: 127 not found, 126 not executable
    if (
      (result.exitCode === 127 || result.exitCode === 126) &&
      /^prlimit: failed to execute/m.test(result.stderrTail)
    ) {
      throw new BlenderUnavailableError(blender)
    }
    const missing = frames.filter((frame) => !tracker.saved.has(frame))
    if (result.exitCode !== 0 || missing.length > 0) {
      const why =
        tracker.errors[0] ??
        SIGNAL_EXITS[result.exitCode ?? -1] ??
        lastLine(result.stderrTail) ??
        (missing.length > 0
          ? `frames ${missing.slice(0, 10).join(', ')} were not saved`
          : `exit code ${result.exitCode}`)
      throw new RenderFailedError(why, tracker.errors, result.exitCode)
    }
    const rendered: RenderedFrame[] = []
    for (const frame of frames) {
      const path = tracker.saved.get(frame)!
      const info = await lstat(path).catch(() => undefined)
      if (info === undefined || !info.isFile()) {
        throw new RenderFailedError(
          `Blender reported frame ${frame} saved but ${path} is not a file`,
          tracker.errors,
          0
        )
      }
      rendered.push({ frame, path })
    }
    return { frames: rendered }
  }
}
