import { chmod, mkdir, rm } from 'node:fs/promises'
import { join } from 'node:path'
import type { Helia } from 'helia'
import { describeError } from '../../protocols/common/errors.js'
import type { Logger } from '../../protocols/common/logger.js'
import type { JobChannel } from '../../protocols/job/index.js'
import type { Award } from '../../protocols/market/index.js'
import type { JobSpec } from '../../scheduler/index.js'
import { exportToFile, importFile } from '../../storage/files/index.js'
import type { WorkerSettlement } from '../chain/index.js'
import { RenderExecutor } from '../executor/index.js'
import { commitAndDeliver, safeSegment } from './task-support.js'

export const HEARTBEAT_INTERVAL_MS = 5_000
export const PROGRESS_INTERVAL_MS = 1_000
export const INPUT_FETCH_TIMEOUT_MS = 60_000

export interface TaskHandle {
  jobId: string
  taskId: string
  requester: string
  frames: number[]
  abort(reason: string): void
  /** Settles when the task ended and its result (or failure) was sent. */
  done: Promise<void>
}

export interface RenderTaskRunnerOptions {
  /** Folder for job folders (see work-dir.ts). */
  workRoot: string
  taskTimeoutMs: number
}

/**
 * Runs one awarded render task: fetches the .blend over bitswap, renders the frames in the
 * sandbox, streams progress and heartbeats to the requester, imports every frame into helia
 * and sends a signed result with the frames' CIDs. Failures are reported as a result with an
 * error, so the requester can reassign at once.
 */
export class RenderTaskRunner {
  private readonly opts: RenderTaskRunnerOptions
  private readonly helia: Helia
  private readonly jobs: JobChannel
  private readonly log: Logger
  private readonly executor: RenderExecutor

  private readonly settlement?: WorkerSettlement

  constructor(
    opts: RenderTaskRunnerOptions,
    components: { helia: Helia; jobs: JobChannel; settlement?: WorkerSettlement; logger: Logger }
  ) {
    this.opts = opts
    this.helia = components.helia
    this.jobs = components.jobs
    this.settlement = components.settlement
    this.log = components.logger
    this.executor = new RenderExecutor({}, { logger: components.logger.child('render') })
  }

  start(input: { award: Award; spec: JobSpec; requester: string }): TaskHandle {
    const { award, requester } = input
    const controller = new AbortController()
    const done = this.run(input, controller.signal).catch((err) => {
      this.log.warn('task ended with an error', {
        jobId: award.jobId,
        taskId: award.taskId,
        error: describeError(err)
      })
    })
    return {
      jobId: award.jobId,
      taskId: award.taskId,
      requester,
      frames: award.frames,
      abort: (reason) => controller.abort(new Error(reason)),
      done
    }
  }

  private async run(
    input: { award: Award; spec: JobSpec; requester: string },
    signal: AbortSignal
  ): Promise<void> {
    const { award, spec, requester } = input
    const render = spec.render!
    const ids = { jobId: award.jobId, taskId: award.taskId }
    const jobDir = join(this.opts.workRoot, `${safeSegment(award.jobId)}-${safeSegment(award.taskId)}`)
    await mkdir(jobDir, { recursive: true })
    await chmod(jobDir, 0o755)

    let stopped = false
    const controller = new AbortController()
    const heartbeat = setInterval(() => {
      void this.jobs
        .sendHeartbeat(requester, ids)
        .then((ack) => {
          if (!ack.accepted && !stopped) {
            this.log.info('requester no longer wants this task, stopping', { ...ids, reason: ack.reason })
            stopped = true
            controller.abort(new Error(ack.reason))
          }
        })
        .catch(() => undefined)
    }, HEARTBEAT_INTERVAL_MS)
    const taskSignal = AbortSignal.any([signal, controller.signal])
    let lastProgress = 0
    try {
      void this.jobs.sendHeartbeat(requester, ids).catch(() => undefined)
      const blendFile = `${safeSegment(render.input.name.replace(/\.blend$/i, ''))}.blend`
      await exportToFile(this.helia, render.input.cid, join(jobDir, blendFile), {
        signal: taskSignal,
        timeoutMs: INPUT_FETCH_TIMEOUT_MS
      })
      const timeoutMs = Math.max(1_000, Math.min(this.opts.taskTimeoutMs, award.deadline - Date.now()))
      const result = await this.executor.run(
        {
          jobDir,
          blendFile,
          frames: award.frames,
          engine: render.engine,
          device: render.device,
          samples: render.samples,
          resolution: render.resolution,
          format: render.format,
          timeoutMs
        },
        {
          signal: taskSignal,
          onProgress: (p) => {
            const now = Date.now()
            if (now - lastProgress < PROGRESS_INTERVAL_MS && p.savedPath === undefined) return
            lastProgress = now
            void this.jobs
              .sendProgress(requester, {
                ...ids,
                frame: p.frame,
                sample: p.sample,
                samples: p.samples,
                framesDone: p.framesDone,
                framesTotal: p.framesTotal
              })
              .catch(() => undefined)
          }
        }
      )
      const outputs: Array<{ frame: number; cid: string; bytes: number }> = []
      for (const f of result.frames) {
        const { cid, size } = await importFile(this.helia, f.path, { signal: taskSignal })
        outputs.push({ frame: f.frame, cid, bytes: size })
      }
      const ack = await commitAndDeliver(
        { jobs: this.jobs, settlement: this.settlement, log: this.log },
        {
          requester,
          chainTaskId: award.chainTaskId,
          result: { ...ids, outputs, error: '', createdAt: Date.now() }
        },
        signal
      )
      this.log.info('task delivered', { ...ids, frames: outputs.length, accepted: ack?.accepted })
    } catch (err) {
      const reason = taskSignal.aborted ? `aborted: ${describeError(taskSignal.reason)}` : describeError(err)
      this.log.warn('task failed', { ...ids, error: reason })
      if (!stopped) {
        await this.jobs
          .sendResult(requester, { ...ids, outputs: [], error: reason.slice(0, 1000), createdAt: Date.now() })
          .catch(() => undefined)
      }
    } finally {
      stopped = true
      clearInterval(heartbeat)
      // the frames live in helia now; the folder only held the input and Blender's output
      await rm(jobDir, { recursive: true, force: true }).catch(() => undefined)
    }
  }
}
