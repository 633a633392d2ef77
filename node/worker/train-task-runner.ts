import { chmod, cp, mkdir, rename, rm, stat } from 'node:fs/promises'
import { join } from 'node:path'
import { peerIdFromString } from '@libp2p/peer-id'
import type { Helia } from 'helia'
import { describeError, isRynusError } from '../../protocols/common/errors.js'
import type { Logger } from '../../protocols/common/logger.js'
import type { JobChannel, TaskResult } from '../../protocols/job/index.js'
import type { Award } from '../../protocols/market/index.js'
import type { JobSpec } from '../../scheduler/index.js'
import {
  decodeResumePoint,
  type EpochOutput,
  parseResumeReason,
  type ResumePoint
} from '../../scheduler/kinds/train/resume.js'
import { exportDirectory, exportToFile, importDirectory } from '../../storage/files/index.js'
import type { WorkerSettlement } from '../chain/index.js'
import type { RynusLibp2p } from '../libp2p/types.js'
import { JOB_FILES, type TrainEpoch, TrainExecutor, type TrainResult } from '../trainer/index.js'
import { HEARTBEAT_INTERVAL_MS, INPUT_FETCH_TIMEOUT_MS, type TaskHandle } from './render-task-runner.js'
import { commitAndDeliver, readBlock, safeSegment } from './task-support.js'

/**
 * Checkpoint reports and progress go out at most this often (an epoch can take milliseconds):
 * a worker that dies loses at most this much work plus one epoch, and importing and sending a
 * checkpoint takes time from training.
 */
export const CHECKPOINT_REPORT_MS = 5_000
/** Tries of the first heartbeat, which also asks where to start. */
const RESUME_QUERY_TRIES = 3

export interface TrainTaskRunnerOptions {
  /** Folder for job folders (see work-dir.ts). */
  workRoot: string
  taskTimeoutMs: number
  /** tfjs backend; default `auto` (the fastest present). */
  backend?: 'auto' | 'wasm' | 'cpu'
}

type Ids = { jobId: string; taskId: string }

/**
 * Runs one awarded training task: asks the requester where to start (its answer to the first
 * heartbeat names a resume point), fetches the dataset and that checkpoint over bitswap, trains
 * in the sandbox, and after each epoch imports the checkpoint folder into helia and reports it
 * as a signed checkpoint report (at most once a second), so another worker can carry on if this
 * one dies. The final result lists every epoch: its checkpoint, and for the last epoch (and
 * any after an early stop) a folder with `model/` and `metrics.json`.
 */
export class TrainTaskRunner {
  private readonly opts: TrainTaskRunnerOptions
  private readonly c: { helia: Helia; jobs: JobChannel; libp2p: RynusLibp2p; settlement?: WorkerSettlement }
  private readonly log: Logger
  private readonly executor: TrainExecutor

  constructor(
    opts: TrainTaskRunnerOptions,
    components: {
      helia: Helia
      jobs: JobChannel
      libp2p: RynusLibp2p
      /** Settlement on chain; absent when the node has no chain configured (unpaid jobs). */
      settlement?: WorkerSettlement
      logger: Logger
    }
  ) {
    this.opts = opts
    this.c = components
    this.log = components.logger
    this.executor = new TrainExecutor(
      { backend: opts.backend ?? 'auto' },
      { logger: components.logger.child('train') }
    )
  }

  start(input: { award: Award; spec: JobSpec; requester: string }): TaskHandle {
    const { award, requester } = input
    const controller = new AbortController()
    const done = this.run(input, controller.signal).catch((err) => {
      this.log.warn('training task ended with an error', { ...idsOf(award), error: describeError(err) })
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
    const ids = idsOf(award)
    const jobDir = join(this.opts.workRoot, `${safeSegment(award.jobId)}-${safeSegment(award.taskId)}`)
    await rm(jobDir, { recursive: true, force: true })
    await mkdir(jobDir, { recursive: true })
    await chmod(jobDir, 0o755)
    let stopped = false
    const controller = new AbortController()
    const stop = (reason: string): void => {
      if (stopped) return
      this.log.info('requester no longer wants this task, stopping', { ...ids, reason })
      stopped = true
      controller.abort(new Error(reason))
    }
    const taskSignal = AbortSignal.any([signal, controller.signal])
    const heartbeat = setInterval(() => {
      void this.c.jobs
        .sendHeartbeat(requester, ids)
        .then((ack) => !ack.accepted && stop(ack.reason))
        .catch(() => undefined)
    }, HEARTBEAT_INTERVAL_MS)
    try {
      const resume = await this.askWhereToStart(requester, ids, spec.train!.epochs, taskSignal, stop)
      const first = award.frames[0] ?? 1
      if ((resume?.epoch ?? 0) + 1 !== first) {
        // an award covers the epochs after the resume point; any other start is the requester's
        // mistake (or an unreadable point): train what the point allows, log the mismatch
        this.log.warn('the award and the resume point disagree on the first epoch', {
          ...ids,
          awardedFrom: first,
          resumesFrom: (resume?.epoch ?? 0) + 1
        })
      }
      await this.fetchDataset(spec, jobDir, taskSignal)
      const outputs = await this.train({ award, spec, requester, jobDir, resume }, taskSignal)
      const result = { ...ids, outputs, error: '', createdAt: Date.now() }
      const ack = await commitAndDeliver(
        { jobs: this.c.jobs, settlement: this.c.settlement, log: this.log },
        { requester, chainTaskId: award.chainTaskId, result },
        signal
      )
      this.log.info('training task delivered', { ...ids, epochs: outputs.length, accepted: ack?.accepted })
    } catch (err) {
      const reason = taskSignal.aborted ? `aborted: ${describeError(taskSignal.reason)}` : describeError(err)
      this.log.warn('training task failed', { ...ids, error: reason })
      if (!stopped) {
        await this.c.jobs
          .sendResult(requester, { ...ids, outputs: [], error: reason.slice(0, 1000), createdAt: Date.now() })
          .catch(() => undefined)
      }
    } finally {
      stopped = true
      clearInterval(heartbeat)
      await rm(jobDir, { recursive: true, force: true }).catch(() => undefined)
    }
  }

  /**
   * The first heartbeat: the requester's ack names a resume point when earlier workers delivered
   * checkpoints. A point that cannot be fetched or read means starting from epoch 1.
   */
  private async askWhereToStart(
    requester: string,
    ids: Ids,
    epochs: number,
    signal: AbortSignal,
    stop: (reason: string) => void
  ): Promise<ResumePoint | undefined> {
    let reason = ''
    for (let attempt = 1; ; attempt++) {
      try {
        const ack = await this.c.jobs.sendHeartbeat(requester, ids, { signal })
        if (!ack.accepted) {
          stop(ack.reason)
          throw new Error(`the requester refused the task: ${ack.reason}`)
        }
        reason = ack.reason
        break
      } catch (err) {
        if (signal.aborted || attempt >= RESUME_QUERY_TRIES) throw err
        await new Promise((r) => setTimeout(r, 1_000))
      }
    }
    const cid = parseResumeReason(reason)
    if (cid === undefined) return undefined
    try {
      await this.c.libp2p.dial(peerIdFromString(requester), { signal }).catch(() => undefined)
      const bytes = await readBlock(
        this.c.helia,
        cid,
        AbortSignal.any([signal, AbortSignal.timeout(INPUT_FETCH_TIMEOUT_MS)])
      )
      const point = decodeResumePoint(bytes, { ...ids, epochs })
      this.log.info('resuming training', { ...ids, fromEpoch: point.epoch + 1 })
      return point
    } catch (err) {
      if (signal.aborted) throw err
      this.log.warn('the resume point cannot be used; training from epoch 1', {
        ...ids,
        error: describeError(err)
      })
      return undefined
    }
  }

  private async fetchDataset(spec: JobSpec, jobDir: string, signal: AbortSignal): Promise<void> {
    const train = spec.train!
    const opts = { signal, timeoutMs: INPUT_FETCH_TIMEOUT_MS }
    let bytes: number
    if (train.dataset.format === 'image-folder') {
      // class subfolders of image files; the training process decodes them inside the sandbox
      bytes = (await exportDirectory(this.c.helia, train.dataset.cid, join(jobDir, JOB_FILES.images), opts))
        .size
    } else if (train.dataset.format === 'npy') {
      const folder = join(jobDir, 'dataset')
      bytes = (await exportDirectory(this.c.helia, train.dataset.cid, folder, opts)).size
      for (const name of [JOB_FILES.npyFeatures, JOB_FILES.npyLabels]) {
        await rename(join(folder, name), join(jobDir, name))
      }
    } else {
      await exportToFile(this.c.helia, train.dataset.cid, join(jobDir, JOB_FILES.csv), opts)
      bytes = (await stat(join(jobDir, JOB_FILES.csv))).size
    }
    if (bytes !== train.datasetInfo.bytes) {
      throw new Error(`the dataset is ${bytes} bytes but the job spec says ${train.datasetInfo.bytes}`)
    }
  }

  /** Trains (resuming when told), reporting checkpoints; returns the final result's outputs. */
  private async train(
    task: { award: Award; spec: JobSpec; requester: string; jobDir: string; resume?: ResumePoint },
    signal: AbortSignal
  ): Promise<TaskResult['outputs']> {
    const { award, spec, requester, jobDir } = task
    const { datasetInfo: _, ...params } = spec.train!
    const ids = idsOf(award)
    // epochs are numbered over the whole job; a resumed award covers only those after the point
    const total = spec.train!.epochs
    const delivered: EpochOutput[] = [...(task.resume?.epochs ?? [])]
    let reportedUpTo = task.resume?.epoch ?? 0
    let lastReport = 0
    const onEpoch = async (epoch: TrainEpoch): Promise<void> => {
      const now = Date.now()
      if (epoch.epoch >= total || now - lastReport < CHECKPOINT_REPORT_MS) return
      lastReport = now
      const { cid, size } = await importDirectory(this.c.helia, epoch.checkpointDir, { signal })
      const covered: EpochOutput[] = []
      for (let e = reportedUpTo + 1; e <= epoch.epoch; e++) covered.push({ epoch: e, cid, bytes: size })
      delivered.push(...covered)
      reportedUpTo = epoch.epoch
      void this.c.jobs
        .sendProgress(requester, {
          ...ids,
          frame: epoch.epoch,
          sample: 0,
          samples: 0,
          framesDone: epoch.epoch,
          framesTotal: total
        })
        .catch(() => undefined)
      void this.c.jobs
        .sendResult(requester, {
          ...ids,
          outputs: covered.map((o) => ({ frame: o.epoch, cid: o.cid, bytes: o.bytes })),
          error: '',
          createdAt: Date.now()
        })
        .catch((err: unknown) =>
          this.log.debug('checkpoint report not delivered', { ...ids, error: describeError(err) })
        )
    }
    const timeoutMs = Math.max(1_000, Math.min(this.opts.taskTimeoutMs, award.deadline - Date.now()))
    let resumeFrom: string | undefined
    if (task.resume !== undefined) {
      resumeFrom = join(jobDir, `resume-${task.resume.epoch}`)
      await exportDirectory(this.c.helia, task.resume.checkpoint.cid, resumeFrom, {
        signal,
        timeoutMs: INPUT_FETCH_TIMEOUT_MS
      })
    }
    let result: TrainResult
    try {
      result = await this.executor.run({ jobDir, params, resumeFrom, timeoutMs }, { signal, onEpoch })
    } catch (err) {
      if (resumeFrom === undefined || !isRynusError(err) || err.code !== 'ERR_TRAIN_CHECKPOINT') throw err
      this.log.warn('the handed-over checkpoint does not resume; training from epoch 1', {
        ...ids,
        error: err.message
      })
      delivered.length = 0
      reportedUpTo = 0
      result = await this.executor.run({ jobDir, params, timeoutMs }, { signal, onEpoch })
    }
    const final = join(jobDir, 'final')
    await mkdir(final)
    await cp(result.modelDir, join(final, JOB_FILES.model), { recursive: true })
    await cp(result.metricsPath, join(final, JOB_FILES.metrics))
    const { cid, size } = await importDirectory(this.c.helia, final, { signal })
    void this.c.jobs
      .sendProgress(requester, {
        ...ids,
        frame: result.lastEpoch,
        sample: 0,
        samples: 0,
        framesDone: total,
        framesTotal: total
      })
      .catch(() => undefined)
    return Array.from({ length: total }, (_, i) => i + 1).map((epoch) => {
      // an epoch's output is the first reported checkpoint that holds its work, else the final model
      const held = epoch < result.lastEpoch ? delivered.find((o) => o.epoch === epoch) : undefined
      return { frame: epoch, cid: held?.cid ?? cid, bytes: held?.bytes ?? size }
    })
  }
}

function idsOf(award: Award): Ids {
  return { jobId: award.jobId, taskId: award.taskId }
}
