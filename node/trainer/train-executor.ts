import { cp, lstat, readdir, rm, writeFile } from 'node:fs/promises'
import { availableParallelism } from 'node:os'
import { join } from 'node:path'
import type { Logger } from '../../protocols/common/logger.js'
import { DEFAULT_FILE_SIZE_BYTES, defaultMaxProcesses, SANDBOX_JOB_DIR } from '../sandbox/constants.js'
import type { HostUser } from '../sandbox/job-dir-owner.js'
import { runSandboxed } from '../sandbox/sandbox.js'
import type { SandboxLimits, SandboxResult } from '../sandbox/types.js'
import type { BackendInfo } from './backend.js'
import type { EpochMetrics } from './checkpoint.js'
import { checkpointName, JOB_FILES } from './constants.js'
import {
  DatasetError,
  errorFromWorker,
  TrainCancelledError,
  TrainFailedError,
  TrainTimeoutError
} from './errors.js'
import { bwrapWithReadOnlyPaths, trainerReadOnlyPaths, trainWorkerScript } from './sandbox-paths.js'
import { validateTrainParams } from './spec.js'
import type { DoneEvent, EpochEvent, StartEvent } from './train-loop.js'

const GiB = 1024 * 1024 * 1024
/** Node cannot start with less address space (V8 reserves its code range up front). */
export const MIN_TRAIN_MEMORY_BYTES = 2 * GiB
export const DEFAULT_TRAIN_MEMORY_BYTES = 4 * GiB

export interface TrainExecutorOptions {
  bwrapPath?: string
  /** Host uid/gid of the sandbox; see SandboxRunOptions.hostUser. */
  hostUser?: HostUser | null
  /** `auto` (default) picks the fastest backend present; `wasm` / `cpu` force one. */
  backend?: 'auto' | 'wasm' | 'cpu'
  /** Keep every epoch's checkpoint; by default older ones are deleted once onEpoch has handled a newer one. */
  keepAllCheckpoints?: boolean
  /** Device nodes passed through for @tensorflow/tfjs-node-gpu (e.g. /dev/nvidia0, /dev/nvidiactl, /dev/nvidia-uvm). */
  devices?: readonly string[]
  /** Overrides of the other sandbox limits. */
  limits?: Partial<Omit<SandboxLimits, 'wallTimeoutMs' | 'memoryBytes'>>
}

export interface TrainTask {
  /** Host job folder holding the dataset (data.csv, x.npy + y.npy, or images/<class>/…); outputs are written here. */
  jobDir: string
  /** Training parameters (validated here, and again inside the sandbox). */
  params: unknown
  /** A checkpoint folder (ckpt-<epoch>) of this job to continue from. */
  resumeFrom?: string
  timeoutMs: number
  /** Address-space limit of the training process; default 4 GiB, at least 2 GiB. */
  memoryBytes?: number
}

export interface TrainEpoch extends EpochEvent {
  /** Host path of this epoch's checkpoint folder (model.json, weights.bin, optimizer.bin, state.json). */
  checkpointDir: string
}

export interface TrainRunOptions {
  onStart?: (event: StartEvent) => void
  /** Called once per finished epoch, in order; the next epoch's callback waits for this one's promise. */
  onEpoch?: (epoch: TrainEpoch) => void | Promise<void>
  signal?: AbortSignal
}

export interface TrainResult {
  /** Host folder with the final model.json + weights.bin. */
  modelDir: string
  /** Host path of metrics.json (history, classes, normalization, backend). */
  metricsPath: string
  /** Metrics of the last epoch. */
  metrics: EpochMetrics | null
  backend: BackendInfo
  /** Epochs trained by this run (a resumed run counts only its own). */
  epochsRun: number
  /** Last completed epoch of the job. */
  lastEpoch: number
  stoppedEarly: boolean
  /** Host path of the last checkpoint. */
  checkpointDir: string | null
}

type WorkerEvent =
  | StartEvent
  | EpochEvent
  | DoneEvent
  | { type: 'error'; code?: string; message: string; fields?: Record<string, string> }

const SIGNAL_EXITS: Record<number, string> = {
  134: 'the training process aborted (SIGABRT), often after running out of memory',
  137: 'the training process was killed (SIGKILL)',
  139: 'the training process crashed (SIGSEGV)',
  152: 'the training process used up its CPU-time limit (SIGXCPU)',
  153: 'the training process wrote a file larger than the file-size limit (SIGXFSZ)'
}

function parseEvent(line: string): WorkerEvent | undefined {
  if (!line.startsWith('{')) return undefined
  try {
    const event = JSON.parse(line) as WorkerEvent
    return typeof event?.type === 'string' ? event : undefined
  } catch {
    return undefined
  }
}

/**
 * Runs a training job in a child Node process inside the bubblewrap sandbox (no network, only
 * the job folder writable, memory/CPU/file limits, hard timeout), streaming per-epoch metrics
 * and checkpoints. The node's event loop only reads the process's event lines.
 */
export class TrainExecutor {
  private readonly log: Logger

  constructor(
    private readonly opts: TrainExecutorOptions,
    components: { logger: Logger }
  ) {
    this.log = components.logger.child('train-executor')
  }

  async run(task: TrainTask, { onStart, onEpoch, signal }: TrainRunOptions = {}): Promise<TrainResult> {
    const params = validateTrainParams(task.params)
    const memoryBytes = task.memoryBytes ?? DEFAULT_TRAIN_MEMORY_BYTES
    if (memoryBytes < MIN_TRAIN_MEMORY_BYTES) {
      throw new TrainFailedError(
        `a memory limit of ${memoryBytes} bytes is too small; give at least ${MIN_TRAIN_MEMORY_BYTES}`,
        'ERR_TRAIN_LIMITS'
      )
    }
    if (params.dataset.format === 'image-folder') {
      const info = await lstat(join(task.jobDir, JOB_FILES.images)).catch(() => undefined)
      if (!info?.isDirectory())
        throw new DatasetError(`${JOB_FILES.images}/ is not a folder in the job folder ${task.jobDir}`)
    }
    const dataFiles = {
      npy: [JOB_FILES.npyFeatures, JOB_FILES.npyLabels],
      csv: [JOB_FILES.csv],
      'image-folder': []
    }[params.dataset.format]
    for (const name of dataFiles) {
      const info = await lstat(join(task.jobDir, name)).catch(() => undefined)
      if (!info?.isFile()) throw new DatasetError(`${name} is not a file in the job folder ${task.jobDir}`)
    }
    await writeFile(join(task.jobDir, JOB_FILES.spec), JSON.stringify(params))
    const resumeDir = join(task.jobDir, JOB_FILES.resume)
    await rm(resumeDir, { recursive: true, force: true })
    // links are copied as links, and the training process refuses to read through them
    if (task.resumeFrom !== undefined)
      await cp(task.resumeFrom, resumeDir, { recursive: true, verbatimSymlinks: true })

    let start: StartEvent | undefined
    let done: DoneEvent | undefined
    let failure: WorkerEvent | undefined
    let lastEpoch = 0
    let epochs = Promise.resolve()
    const checkpoints = join(task.jobDir, JOB_FILES.checkpoints)
    const handle = (line: string): void => {
      const event = parseEvent(line)
      if (event === undefined) {
        this.log.debug('training output', { line: line.slice(0, 300) })
      } else if (event.type === 'start') {
        start = event
        onStart?.(event)
      } else if (event.type === 'epoch') {
        lastEpoch = event.epoch
        const checkpointDir = join(checkpoints, checkpointName(event.epoch))
        epochs = epochs.then(async () => {
          await onEpoch?.({ ...event, checkpointDir })
          if (!this.opts.keepAllCheckpoints) await this.pruneCheckpoints(checkpoints, event.epoch)
        })
      } else if (event.type === 'done') done = event
      else if (event.type === 'error') failure = event
    }

    const wrapper = await bwrapWithReadOnlyPaths(trainerReadOnlyPaths(), this.opts.bwrapPath)
    let result: SandboxResult
    try {
      this.log.info('training start', { epochs: params.epochs, resume: task.resumeFrom !== undefined })
      result = await runSandboxed(
        {
          command: process.execPath,
          args: this.workerArgs(memoryBytes),
          jobDir: task.jobDir,
          limits: this.limits(task.timeoutMs, memoryBytes),
          devices: this.opts.devices ?? [],
          bwrapPath: wrapper.path,
          hostUser: this.opts.hostUser,
          signal,
          onStdout: handle,
          onStderr: (line) => this.log.debug('training stderr', { line: line.slice(0, 300) })
        },
        { logger: this.log }
      )
    } finally {
      await wrapper.dispose()
    }
    await epochs
    this.log.info('training end', { exitCode: result.exitCode, lastEpoch, durationMs: result.durationMs })
    return this.outcome(task, result, { start, done, failure, lastEpoch })
  }

  private workerArgs(memoryBytes: number): string[] {
    // the JS heap gets half the address space; wasm memory and V8's reservations need the rest
    const heapMb = Math.floor(memoryBytes / 2 / 1024 / 1024)
    return [
      `--max-old-space-size=${heapMb}`,
      trainWorkerScript(),
      SANDBOX_JOB_DIR,
      '--backend',
      this.opts.backend ?? 'auto'
    ]
  }

  private limits(timeoutMs: number, memoryBytes: number): SandboxLimits {
    return {
      cpuSeconds: Math.ceil(timeoutMs / 1000) * availableParallelism() + 10,
      fileSizeBytes: DEFAULT_FILE_SIZE_BYTES,
      maxProcesses: defaultMaxProcesses(),
      ...this.opts.limits,
      // GPU drivers reserve far more address space than they use, so RLIMIT_AS would break them
      memoryBytes: (this.opts.devices ?? []).length > 0 ? 0 : memoryBytes,
      wallTimeoutMs: timeoutMs
    }
  }

  private async pruneCheckpoints(dir: string, newest: number): Promise<void> {
    for (const name of await readdir(dir).catch(() => [] as string[])) {
      const epoch = /^ckpt-(\d+)$/.exec(name)?.[1]
      if (epoch !== undefined && Number(epoch) < newest)
        await rm(join(dir, name), { recursive: true, force: true })
    }
  }

  private outcome(
    task: TrainTask,
    result: SandboxResult,
    seen: { start?: StartEvent; done?: DoneEvent; failure?: WorkerEvent; lastEpoch: number }
  ): TrainResult {
    const epochsDone = seen.start ? seen.lastEpoch - seen.start.startEpoch + 1 : 0
    if (result.cancelled) throw new TrainCancelledError(Math.max(0, epochsDone))
    if (result.timedOut) throw new TrainTimeoutError(task.timeoutMs, Math.max(0, epochsDone))
    if (seen.failure?.type === 'error')
      throw errorFromWorker(seen.failure.code, seen.failure.message, seen.failure.fields)
    const done = seen.done
    if (result.exitCode !== 0 || done === undefined) {
      const outOfMemory = /out of memory|Cannot allocate|allocation failed/i.test(result.stderrTail)
      const why = outOfMemory
        ? `the training process ran out of memory under its ${task.memoryBytes ?? DEFAULT_TRAIN_MEMORY_BYTES}-byte limit; give more memory or a smaller model/batch`
        : (SIGNAL_EXITS[result.exitCode ?? -1] ??
          (result.stderrTail.trim().split('\n').pop()?.slice(0, 300) || `exit code ${result.exitCode}`))
      throw new TrainFailedError(why)
    }
    return {
      modelDir: join(task.jobDir, JOB_FILES.model),
      metricsPath: join(task.jobDir, JOB_FILES.metrics),
      metrics: done.final,
      backend: done.backend,
      epochsRun: done.epochsRun,
      lastEpoch: done.lastEpoch,
      stoppedEarly: done.stoppedEarly,
      checkpointDir:
        done.epochsRun > 0
          ? join(task.jobDir, JOB_FILES.checkpoints, checkpointName(done.lastEpoch))
          : (task.resumeFrom ?? null)
    }
  }
}
