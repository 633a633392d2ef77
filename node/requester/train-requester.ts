import type { Helia } from 'helia'
import type { Logger } from '../../protocols/common/logger.js'
import type { Ack, Heartbeat, TaskResult } from '../../protocols/job/index.js'
import {
  encodeJobSpec,
  type JobManager,
  type JobSpec,
  jobCidOf,
  jobIdOf,
  type ResultVerifier,
  type Verdict,
  validateJobSpec
} from '../../scheduler/index.js'
import type { RynusLibp2p } from '../libp2p/types.js'
import type { EpochMetrics } from '../trainer/index.js'
import { TrainCheckpoints } from './train-checkpoints.js'
import { deliveredEpochs } from './train-delivery.js'
import type {
  EpochRecord,
  EpochStatus,
  ResumeRecord,
  TrainJobRecord,
  VerificationRecord
} from './train-store.js'
import { TrainJobStore } from './train-store.js'
import { prepareTrainJob, type TrainSubmission } from './train-submission.js'
import { TRAIN_RESULT_FILES, verifyTrainResult } from './train-verify.js'

/** One epoch of a training job as the API shows it (metrics for charts, checkpoint, who delivered it). */
export interface TrainEpochView {
  epoch: number
  loss: number | null
  acc: number | null
  valLoss: number | null
  valAcc: number | null
  /** Checkpoint folder (or, for the last epochs, the final model folder) holding this epoch. */
  cid?: string
  worker?: string
  status?: EpochStatus
}

/** The training part of a job view. */
export interface TrainJobView {
  heldOut: TrainJobRecord['heldOut']
  epochs: TrainEpochView[]
  /** Epochs per worker whose delivery counts for payment (accepted, or stored while the job runs). */
  deliveredBy: Record<string, number>
  resumes: ResumeRecord[]
  verifications: VerificationRecord[]
  /** Files `job get` downloads (relative to the job's results folder) once a model is accepted. */
  files: string[]
  /** The accepted model's classes (output order) and the tfjs backend that trained it. */
  model?: { classes: string[]; backend?: unknown }
}

export interface TrainRequesterComponents {
  helia: Helia
  libp2p: RynusLibp2p
  logger: Logger
  manager: () => JobManager
  /** Told of each new spec block before its job is offered (small specs ride in the offer). */
  onSpec?: (jobId: string, bytes: Uint8Array) => void
  /** With settlement: throws when the wallet cannot escrow the job's budget. */
  funds?: (budget: bigint) => Promise<void>
}

const PREFERENCE: EpochStatus[] = ['accepted', 'stored', 'reported', 'lost', 'superseded', 'rejected']

/**
 * The requester's side of training jobs: submission with a held-out slice that stays on this
 * node, checkpoint reports and resume points (see TrainCheckpoints), verification of the
 * delivered model, and the per-epoch record behind payment per epoch.
 */
export class TrainRequester {
  readonly store: TrainJobStore
  readonly checkpoints: TrainCheckpoints
  private readonly c: TrainRequesterComponents

  constructor(opts: { dataDir: string }, components: TrainRequesterComponents) {
    this.c = components
    this.store = new TrainJobStore(opts.dataDir)
    this.checkpoints = new TrainCheckpoints({ ...components, store: this.store })
  }

  /**
   * The validated spec of a submission; its dataset's sent part is published, the held-out part
   * returned. Image datasets come with staged folders: call `prepared.images.dispose()` when the
   * job is not submitted.
   */
  async prepare(
    s: TrainSubmission
  ): Promise<{ spec: JobSpec; prepared: Awaited<ReturnType<typeof prepareTrainJob>> }> {
    const prepared = await prepareTrainJob(s, {
      helia: this.c.helia,
      requester: this.c.libp2p.peerId.toString(),
      now: Date.now(),
      stagingDir: this.store.stagingDir()
    })
    try {
      return { spec: validateJobSpec(prepared.spec), prepared }
    } catch (err) {
      await prepared.images?.dispose()
      throw err
    }
  }

  /** Stores the held-out and sent rows (or images) under the job id, then hands the job to the scheduler. */
  async submit(s: TrainSubmission): Promise<string> {
    const { spec, prepared } = await this.prepare(s)
    const { heldOut, sent, images } = prepared
    try {
      await this.c.funds?.(BigInt(spec.budget))
      const bytes = encodeJobSpec(spec)
      const jobId = jobIdOf(bytes)
      await this.c.helia.blockstore.put(jobCidOf(bytes), bytes)
      this.c.onSpec?.(jobId, bytes)
      await this.store.create(
        jobId,
        images !== undefined
          ? { imagesDir: images.dir }
          : { sentCsv: sent.csv ?? '', heldOutCsv: heldOut.csv ?? '' },
        {
          version: 1,
          heldOut: { fraction: heldOut.fraction, seed: heldOut.seed, rows: heldOut.dataset.labels.length },
          epochs: [],
          resumes: [],
          verifications: []
        }
      )
      return await this.c.manager().submit(spec)
    } finally {
      await images?.dispose()
    }
  }

  /** A checkpoint report is handled here; anything else (undefined) goes to the scheduler. */
  takeReport(r: TaskResult, from: string, signed: Uint8Array): Promise<Ack | undefined> {
    return this.checkpoints.takeReport(r, from, signed)
  }

  /**
   * A training award covers only the epochs still to train: when earlier workers' checkpoints
   * are stored here, the worker resumes after them (decided now, told on its first heartbeat),
   * so it is awarded and priced for epochs `fromEpoch`..N only and the delivered epochs are not
   * paid twice. Awards of other jobs pass unchanged.
   */
  async awardFor<A extends { jobId: string; taskId: string; frames: number[] }>(
    award: A,
    worker: string
  ): Promise<A> {
    const decision = await this.checkpoints.resumeFor(award.jobId, award.taskId, worker)
    if (decision === undefined || decision.fromEpoch <= 1) return award
    return { ...award, frames: award.frames.filter((epoch) => epoch >= decision.fromEpoch) }
  }

  /** An accepted heartbeat of a training task carries where to start (see TrainCheckpoints). */
  async answerHeartbeat(h: Heartbeat, from: string, ack: Ack): Promise<Ack> {
    if (!ack.accepted) return ack
    const reason = await this.checkpoints.resumeReasonFor(h.jobId, h.taskId, from)
    return reason === undefined ? ack : { accepted: true, reason }
  }

  /** The ResultVerifier for training results: the model against the held-out rows, then the epoch ledger. */
  async verify(input: Parameters<ResultVerifier>[0], resultsDir: string): Promise<Verdict> {
    const { job, task, worker, outputs } = input
    const verdict = await verifyTrainResult(
      { helia: this.c.helia, libp2p: this.c.libp2p, store: this.store },
      { jobId: job.id, spec: job.spec, taskId: task.taskId, worker, outputs, dir: resultsDir }
    )
    await this.store.update(job.id, (record) => {
      record.verifications.push(verdict.record)
      const open: EpochStatus[] = ['reported', 'stored', 'lost']
      if (!verdict.ok) {
        for (const e of record.epochs)
          if (e.worker === worker && open.includes(e.status)) e.status = 'rejected'
        return
      }
      for (const e of record.epochs) if (open.includes(e.status)) e.status = 'accepted'
      const accepted = new Set(record.epochs.filter((e) => e.status === 'accepted').map((e) => e.epoch))
      for (const [unit, output] of Object.entries(outputs)) {
        if (accepted.has(Number(unit))) continue
        record.epochs.push({
          epoch: Number(unit),
          cid: output.cid,
          bytes: output.bytes,
          worker,
          taskId: task.taskId,
          status: 'accepted',
          reportedAt: Date.now()
        })
      }
      const { history, classes, backend } = verdict.metrics
      record.final = { history, classes, backend }
    })
    this.c.logger.info(verdict.ok ? 'trained model accepted' : 'trained model rejected', {
      jobId: job.id,
      reason: verdict.record.reason
    })
    return verdict.ok ? { ok: true } : { ok: false, reason: verdict.record.reason }
  }

  /**
   * Epochs one award of a training task delivered, by this node's record (see deliveredEpochs),
   * after the checkpoint copies the worker reported are done; undefined for other jobs.
   */
  async deliveredEpochs(
    jobId: string,
    taskId: string,
    worker: string,
    sinceMs: number
  ): Promise<number | undefined> {
    let record = await this.store.get(jobId)
    const copying = (r: TrainJobRecord): boolean =>
      r.epochs.some((e) => e.taskId === taskId && e.worker === worker && e.status === 'reported')
    // a report recorded just before the task failed may not have its copy started yet: wait for it
    for (let round = 0; record !== undefined && round < 3; round++) {
      await this.checkpoints.settled(jobId, taskId, worker)
      record = await this.store.get(jobId)
      if (record === undefined || !copying(record)) break
      await new Promise((resolve) => setTimeout(resolve, 50))
    }
    return record === undefined ? undefined : deliveredEpochs(record, { taskId, worker, sinceMs })
  }

  /** The training part of a job's view, or undefined for other jobs. */
  async view(jobId: string): Promise<TrainJobView | undefined> {
    const record = await this.store.get(jobId)
    if (record === undefined) return undefined
    const best = new Map<number, EpochRecord>()
    for (const e of record.epochs) {
      const held = best.get(e.epoch)
      if (held === undefined || PREFERENCE.indexOf(e.status) < PREFERENCE.indexOf(held.status))
        best.set(e.epoch, e)
    }
    const metrics = new Map<number, EpochMetrics>()
    for (const m of record.final?.history ?? []) metrics.set(m.epoch, m)
    for (const e of best.values())
      if (e.metrics !== undefined && !metrics.has(e.epoch)) metrics.set(e.epoch, e.metrics)
    const numbers = [...new Set([...best.keys(), ...metrics.keys()])].sort((a, b) => a - b)
    const deliveredBy: Record<string, number> = {}
    for (const e of best.values()) {
      if (e.status === 'accepted' || e.status === 'stored')
        deliveredBy[e.worker] = (deliveredBy[e.worker] ?? 0) + 1
    }
    return {
      heldOut: record.heldOut,
      epochs: numbers.map((epoch) => {
        const m = metrics.get(epoch)
        const e = best.get(epoch)
        return {
          epoch,
          loss: m?.loss ?? null,
          acc: m?.acc ?? null,
          valLoss: m?.valLoss ?? null,
          valAcc: m?.valAcc ?? null,
          ...(e !== undefined && { cid: e.cid, worker: e.worker, status: e.status })
        }
      }),
      deliveredBy,
      resumes: record.resumes,
      verifications: record.verifications,
      files: record.final !== undefined ? [...TRAIN_RESULT_FILES] : [],
      ...(record.final !== undefined && {
        model: { classes: record.final.classes, backend: record.final.backend }
      })
    }
  }
}
