import { cp, mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { SerialQueue } from '../../storage/repos/serial-queue.js'
import type { EpochMetrics } from '../trainer/index.js'
import { HELD_OUT_IMAGES, SENT_IMAGES } from './train-images.js'

/**
 * What happened to one delivered epoch, for payment per epoch:
 * - `reported`: a worker signed a checkpoint report for it; the requester is fetching the checkpoint
 * - `stored`: the checkpoint is on this node, so another worker can resume from it
 * - `lost`: the checkpoint could not be fetched (the worker vanished first)
 * - `superseded`: the job resumed from an earlier checkpoint, so another worker redid this epoch
 * - `accepted`: part of the chain of checkpoints behind the verified model
 * - `rejected`: delivered by a worker whose model failed verification
 */
export type EpochStatus = 'reported' | 'stored' | 'lost' | 'superseded' | 'accepted' | 'rejected'

export interface EpochRecord {
  epoch: number
  /** Checkpoint folder holding this epoch's work (a report may cover several epochs with one checkpoint). */
  cid: string
  bytes: number
  worker: string
  taskId: string
  status: EpochStatus
  reportedAt: number
  /** From the checkpoint's state.json once fetched. */
  metrics?: EpochMetrics
  /** The worker's signed report (base64), evidence of delivery. */
  evidence?: string
}

/** Where one award of the task started: epoch 1, or after a handed-over checkpoint. */
export interface ResumeRecord {
  taskId: string
  worker: string
  /** First epoch the worker trains. */
  fromEpoch: number
  /** The resume point block, when there was one. */
  point?: string
  at: number
}

export interface VerificationRecord {
  taskId: string
  worker: string
  accepted: boolean
  reason: string
  heldOutAccuracy: number
  heldOutLoss: number
  baselineAccuracy: number
  baselineLoss: number
  at: number
}

/** A training job's requester-side record: held-out slice, delivered epochs, resumes, verdicts. */
export interface TrainJobRecord {
  version: 1
  heldOut: { fraction: number; seed: number; rows: number }
  epochs: EpochRecord[]
  resumes: ResumeRecord[]
  verifications: VerificationRecord[]
  /** Final metrics (metrics.json) of the accepted model. */
  final?: { history: EpochMetrics[]; classes: string[]; backend?: unknown }
}

export const SENT_CSV = 'sent.csv'
export const HELD_OUT_CSV = 'heldout.csv'
const RECORD = 'train.json'

/**
 * Files of training jobs under `<dataDir>/train/<jobId>/`: `heldout.csv` (never sent to a worker),
 * `sent.csv` (what workers received) — for image datasets the folders `heldout/` and `sent/` of
 * image files instead — and `train.json` (the record above, replaced atomically). Image jobs are
 * staged under `<dataDir>/train/staging/` while they are prepared.
 * Updates of one job run one at a time.
 */
export class TrainJobStore {
  private readonly root: string
  private readonly queue = new SerialQueue()
  private readonly cache = new Map<string, TrainJobRecord | null>()

  constructor(dataDir: string) {
    this.root = join(dataDir, 'train')
  }

  dir(jobId: string): string {
    if (!/^[a-z0-9]{10,200}$/i.test(jobId)) throw new Error('not a job id')
    return join(this.root, jobId)
  }

  /** Where image datasets are staged while a submission is prepared. */
  stagingDir(): string {
    return join(this.root, 'staging')
  }

  /** Removes what a submission left staged when the node stopped mid-way (call before any submission). */
  async clearStaging(): Promise<void> {
    await rm(this.stagingDir(), { recursive: true, force: true })
  }

  async create(
    jobId: string,
    files: { sentCsv: string; heldOutCsv: string } | { imagesDir: string },
    record: TrainJobRecord
  ): Promise<void> {
    const dir = this.dir(jobId)
    await mkdir(dir, { recursive: true, mode: 0o700 })
    if ('imagesDir' in files) {
      for (const name of [SENT_IMAGES, HELD_OUT_IMAGES]) {
        await rm(join(dir, name), { recursive: true, force: true })
        await cp(join(files.imagesDir, name), join(dir, name), { recursive: true })
      }
    } else {
      await writeFile(join(dir, SENT_CSV), files.sentCsv)
      await writeFile(join(dir, HELD_OUT_CSV), files.heldOutCsv)
    }
    await this.queue.run(jobId, () => this.write(jobId, record))
  }

  /** The folder of a job's sent or held-out images (image datasets). */
  imagesDir(jobId: string, name: typeof SENT_IMAGES | typeof HELD_OUT_IMAGES): string {
    return join(this.dir(jobId), name)
  }

  /** The job's record, or undefined when it is not a training job of this node. */
  async get(jobId: string): Promise<TrainJobRecord | undefined> {
    const cached = this.cache.get(jobId)
    if (cached !== undefined) return cached ?? undefined
    let record: TrainJobRecord | null = null
    try {
      // an id that is no folder name (dir throws) is no training job here either
      record = JSON.parse(await readFile(join(this.dir(jobId), RECORD), 'utf8')) as TrainJobRecord
    } catch {
      record = null
    }
    this.cache.set(jobId, record)
    return record ?? undefined
  }

  /** Changes the record with `change` (one change per job at a time); returns what `change` returned. */
  async update<T>(jobId: string, change: (record: TrainJobRecord) => T | Promise<T>): Promise<T | undefined> {
    return this.queue.run(jobId, async () => {
      const record = await this.get(jobId)
      if (record === undefined) return undefined
      const result = await change(record)
      await this.write(jobId, record)
      return result
    })
  }

  async readCsv(jobId: string, name: typeof SENT_CSV | typeof HELD_OUT_CSV): Promise<string> {
    return readFile(join(this.dir(jobId), name), 'utf8')
  }

  private async write(jobId: string, record: TrainJobRecord): Promise<void> {
    const path = join(this.dir(jobId), RECORD)
    await writeFile(`${path}.tmp`, JSON.stringify(record))
    await rename(`${path}.tmp`, path)
    this.cache.set(jobId, record)
  }
}
