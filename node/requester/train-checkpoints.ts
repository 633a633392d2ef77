import { EventEmitter } from 'node:events'
import { unixfs } from '@helia/unixfs'
import { peerIdFromString } from '@libp2p/peer-id'
import type { Helia } from 'helia'
import { createUnsafe } from 'multiformats/block'
import type { CID } from 'multiformats/cid'
import { describeError } from '../../protocols/common/errors.js'
import type { Logger } from '../../protocols/common/logger.js'
import type { Ack, TaskResult } from '../../protocols/job/index.js'
import { isTaskActive, type JobManager } from '../../scheduler/index.js'
import {
  encodeResumePoint,
  isCheckpointReport,
  type ResumePoint,
  resumeReason
} from '../../scheduler/kinds/train/resume.js'
import { parseCid } from '../../storage/files/index.js'
import type { RynusLibp2p } from '../libp2p/types.js'
import { type EpochMetrics, MAX_MODEL_PARAMS, type TrainState } from '../trainer/index.js'
import type { EpochRecord, TrainJobRecord, TrainJobStore } from './train-store.js'

export const CHECKPOINT_FETCH_TIMEOUT_MS = 120_000
/** Largest checkpoint copied from a worker: float32 weights plus up to three optimizer slots each, and slack. */
export const MAX_CHECKPOINT_BYTES = 16 * MAX_MODEL_PARAMS + 64 * 1024 * 1024
/** Block overhead (UnixFS nodes, state.json) allowed above a checkpoint's reported size. */
const DAG_SLACK_BYTES = 1024 * 1024
/** Largest state.json read from a checkpoint. */
const MAX_STATE_BYTES = 16 * 1024 * 1024

export interface CheckpointEvent {
  jobId: string
  taskId: string
  worker: string
  /** Last epoch the checkpoint holds. */
  epoch: number
  cid: string
  metrics?: EpochMetrics
}

export interface ResumeEvent {
  jobId: string
  taskId: string
  worker: string
  /** First epoch the worker trains (1 = from scratch). */
  fromEpoch: number
  point?: string
}

export interface TrainEvents {
  /** A reported checkpoint is now stored on this node (another worker can resume from it). */
  checkpoint: [CheckpointEvent]
  /** A worker asked where to start and was told. */
  resume: [ResumeEvent]
}

const refuse = (reason: string): Ack => ({ accepted: false, reason })

/**
 * Workers that delivered a model this node rejected for the job: none of their checkpoints is
 * resumed from, including one reported while the rejection was being recorded.
 */
const distrusted = (record: TrainJobRecord): Set<string> =>
  new Set(record.verifications.filter((v) => !v.accepted).map((v) => v.worker))
const RESUMABLE: ReadonlyArray<EpochRecord['status']> = ['stored', 'accepted']

/**
 * Checkpoints of training tasks on the requester: takes workers' signed checkpoint reports,
 * copies each reported checkpoint onto this node (so it outlives the worker), and answers a
 * newly awarded worker's first heartbeat with the resume point: the latest epoch up to which
 * every checkpoint is stored here.
 */
export class TrainCheckpoints {
  readonly events = new EventEmitter<TrainEvents>()
  private readonly c: {
    helia: Helia
    libp2p: RynusLibp2p
    store: TrainJobStore
    logger: Logger
    manager: () => JobManager
  }

  /** Checkpoint copies in flight, per job/task/worker. */
  private readonly copying = new Map<string, Set<Promise<void>>>()

  constructor(components: TrainCheckpoints['c']) {
    this.c = components
  }

  /**
   * Resolves once every checkpoint the worker reported for the task so far is stored or lost
   * (a copy ends within CHECKPOINT_FETCH_TIMEOUT_MS), so the record can be read for payment.
   */
  async settled(jobId: string, taskId: string, worker: string): Promise<void> {
    const copies = this.copying.get(`${jobId}/${taskId}/${worker}`)
    if (copies !== undefined) await Promise.allSettled([...copies])
  }

  /** Handles a checkpoint report (a train result listing fewer epochs than its task); undefined for anything else. */
  async takeReport(r: TaskResult, from: string, signed: Uint8Array): Promise<Ack | undefined> {
    if ((await this.c.store.get(r.jobId)) === undefined) return undefined
    const view = await this.c.manager().get(r.jobId)
    const total = view?.job.spec.train?.epochs
    if (view === undefined || total === undefined || !isCheckpointReport(total, r.outputs.length, r.error)) {
      return undefined
    }
    const task = view.tasks.find((t) => t.taskId === r.taskId)
    if (task === undefined || task.state.worker !== from || !isTaskActive(task.state)) {
      return refuse('this task is not yours (any more); stop it')
    }
    const epochs = r.outputs.map((o) => o.frame).sort((a, b) => a - b)
    const cid = r.outputs[0]!.cid
    if (r.outputs.some((o) => o.cid !== cid || o.bytes !== r.outputs[0]!.bytes)) {
      return refuse('a checkpoint report names one checkpoint for all its epochs')
    }
    if (epochs.some((e, i) => e >= total || (i > 0 && e !== epochs[i - 1]! + 1))) {
      return refuse(`a checkpoint report covers consecutive epochs before the last (${total})`)
    }
    const bytes = r.outputs[0]!.bytes
    if (bytes > MAX_CHECKPOINT_BYTES)
      return refuse(`a checkpoint may hold at most ${MAX_CHECKPOINT_BYTES} bytes`)
    const evidence = Buffer.from(signed).toString('base64')
    const at = Date.now()
    const fresh = await this.c.store.update(r.jobId, (record) => {
      // reports only move forward, so one award costs this node at most one fetch per epoch
      const stale = record.epochs.some(
        (e) => e.taskId === r.taskId && e.worker === from && e.epoch >= epochs[0]!
      )
      if (stale) return false
      if (distrusted(record).has(from)) return 'distrusted'
      for (const epoch of epochs) {
        record.epochs.push({
          epoch,
          cid,
          bytes: r.outputs[0]!.bytes,
          worker: from,
          taskId: r.taskId,
          status: 'reported',
          reportedAt: at,
          evidence
        })
      }
      return true
    })
    if (fresh === 'distrusted') return refuse('this node rejected your model for this job; stop it')
    if (fresh !== true) return refuse('checkpoint reports must cover later epochs than the last one')
    const key = `${r.jobId}/${r.taskId}/${from}`
    const copy = this.store(r.jobId, r.taskId, from, { cid, bytes }, epochs.at(-1)!)
    const copies = this.copying.get(key) ?? new Set()
    copies.add(copy)
    this.copying.set(key, copies)
    void copy.finally(() => {
      copies.delete(copy)
      if (copies.size === 0 && this.copying.get(key) === copies) this.copying.delete(key)
    })
    return { accepted: true, reason: 'checkpoint recorded' }
  }

  /**
   * The ack reason for a worker's heartbeat: `resume:<cid>` naming where it starts (decided when
   * the task was awarded to it, see `resumeFor`), or '' to start at epoch 1. Undefined when the
   * job is not a training job of this node.
   */
  async resumeReasonFor(jobId: string, taskId: string, worker: string): Promise<string | undefined> {
    const decision = await this.resumeFor(jobId, taskId, worker)
    if (decision === undefined) return undefined
    return decision.point !== undefined ? resumeReason(decision.point) : ''
  }

  /**
   * Where a worker awarded a training task starts: the latest epoch up to which every
   * checkpoint is stored here (from trusted workers), as a resume point block, and the first
   * epoch it trains. Decided once per award, before the award is sent (so the award and its
   * price cover only the epochs still to train), and repeated to its heartbeats. Undefined when
   * the job is not a training job of this node.
   */
  async resumeFor(
    jobId: string,
    taskId: string,
    worker: string
  ): Promise<{ fromEpoch: number; point?: string } | undefined> {
    const known = await this.c.store.get(jobId)
    if (known === undefined) return undefined
    const given = known.resumes.find((r) => r.taskId === taskId && r.worker === worker)
    if (given !== undefined) return given
    const total = (await this.c.manager().get(jobId))?.job.spec.train?.epochs
    if (total === undefined) return undefined
    let event: ResumeEvent | undefined
    const decision = await this.c.store.update(jobId, async (record) => {
      const given = record.resumes.find((r) => r.taskId === taskId && r.worker === worker)
      if (given !== undefined) return given
      const latest = new Map<number, EpochRecord>()
      const untrusted = distrusted(record)
      for (const e of record.epochs) {
        if (untrusted.has(e.worker)) continue
        if (RESUMABLE.includes(e.status) && (latest.get(e.epoch)?.reportedAt ?? -1) <= e.reportedAt)
          latest.set(e.epoch, e)
      }
      let epoch = 0
      while (epoch + 1 < total && latest.has(epoch + 1)) epoch++
      let point: string | undefined
      if (epoch > 0) {
        const epochs = Array.from({ length: epoch }, (_, i) => {
          const e = latest.get(i + 1)!
          return { epoch: e.epoch, cid: e.cid, bytes: e.bytes }
        })
        const resume: ResumePoint = { version: 1, jobId, taskId, epoch, checkpoint: epochs.at(-1)!, epochs }
        const block = encodeResumePoint(resume)
        await this.c.helia.blockstore.put(block.cid, block.bytes)
        point = block.cid.toString()
      }
      for (const e of record.epochs) {
        if (e.epoch > epoch && e.worker !== worker && ['reported', 'stored', 'lost'].includes(e.status)) {
          e.status = 'superseded'
        }
      }
      event = { jobId, taskId, worker, fromEpoch: epoch + 1, ...(point !== undefined && { point }) }
      const decided = {
        taskId,
        worker,
        fromEpoch: epoch + 1,
        ...(point !== undefined && { point }),
        at: Date.now()
      }
      record.resumes.push(decided)
      return decided
    })
    if (event !== undefined) this.events.emit('resume', event)
    return decision
  }

  /** Copies a reported checkpoint onto this node and reads its metrics; marks it stored or lost. */
  private async store(
    jobId: string,
    taskId: string,
    worker: string,
    { cid, bytes }: { cid: string; bytes: number },
    epoch: number
  ): Promise<void> {
    const signal = AbortSignal.timeout(CHECKPOINT_FETCH_TIMEOUT_MS)
    const mine = (e: EpochRecord): boolean => e.cid === cid && e.worker === worker && e.status === 'reported'
    let history: EpochMetrics[] = []
    try {
      await this.c.libp2p.dial(peerIdFromString(worker), { signal }).catch(() => undefined)
      const state = await readState(this.c.helia, cid, signal)
      if (state.epoch !== epoch) throw new Error(`the checkpoint holds epoch ${state.epoch}, not ${epoch}`)
      history = Array.isArray(state.history) ? state.history : []
      await fetchAll(this.c.helia, parseCid(cid), bytes + DAG_SLACK_BYTES, signal)
    } catch (err) {
      this.c.logger.info('a reported checkpoint could not be stored', {
        jobId,
        epoch,
        error: describeError(err)
      })
      await this.c.store.update(jobId, (record) => {
        for (const e of record.epochs) if (mine(e)) e.status = 'lost'
      })
      return
    }
    await this.c.store.update(jobId, (record) => {
      for (const e of record.epochs) {
        if (!mine(e)) continue
        e.status = 'stored'
        const metrics = history.find((m) => m?.epoch === e.epoch)
        if (metrics !== undefined) e.metrics = metrics
      }
    })
    const metrics = history.find((m) => m?.epoch === epoch)
    this.events.emit('checkpoint', {
      jobId,
      taskId,
      worker,
      epoch,
      cid,
      ...(metrics !== undefined && { metrics })
    })
  }
}

async function readState(helia: Helia, cid: string, signal: AbortSignal): Promise<TrainState> {
  const chunks: Uint8Array[] = []
  let size = 0
  for await (const chunk of unixfs(helia).cat(parseCid(cid), { path: 'state.json', signal })) {
    size += chunk.byteLength
    if (size > MAX_STATE_BYTES) throw new Error('state.json is too large')
    chunks.push(chunk)
  }
  return JSON.parse(Buffer.concat(chunks).toString('utf8')) as TrainState
}

/**
 * Fetches every block of a DAG (dag-pb folders and files, raw leaves) into this node's
 * blockstore, stopping once more than `maxBytes` arrived (a worker cannot fill this disk).
 */
async function fetchAll(helia: Helia, root: CID, maxBytes: number, signal: AbortSignal): Promise<void> {
  const pending = [root]
  const seen = new Set<string>()
  let total = 0
  while (pending.length > 0) {
    const next = pending.pop()!
    if (seen.has(next.toString())) continue
    seen.add(next.toString())
    const parts: Uint8Array[] = []
    for await (const part of helia.blockstore.get(next, { signal })) {
      total += part.byteLength
      if (total > maxBytes) throw new Error(`the checkpoint is larger than the ${maxBytes} bytes reported`)
      parts.push(part)
    }
    if (next.code === 0x55) continue // raw: a leaf
    const block = createUnsafe({
      bytes: Buffer.concat(parts),
      cid: next,
      codec: await helia.getCodec(next.code)
    })
    for (const [, link] of block.links()) pending.push(link)
  }
}
