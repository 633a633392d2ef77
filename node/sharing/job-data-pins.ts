import { setTimeout as sleep } from 'node:timers/promises'
import type { Libp2p, PeerId } from '@libp2p/interface'
import { CID } from 'multiformats/cid'
import { describeError } from '../../protocols/common/errors.js'
import type { Logger } from '../../protocols/common/logger.js'
import { connectedPinServers, PIN_REFUSALS, requestPin } from '../../protocols/pin/index.js'
import type { JobManagerEvent, JobView } from '../../scheduler/index.js'

/** Background pins a busy super-peer refused are asked again this often, 2 s, 4 s, 8 s… apart. */
const BUSY_RETRIES = 5
const BUSY_RETRY_BASE_MS = 2_000

/** One super-peer's answer to a pin request (or why it could not be asked). */
export interface RemotePinResult {
  peer: string
  accepted: boolean
  /** '' when accepted; the refusal's code, or ERR_PEER_REQUEST when the peer could not be asked */
  code: string
  reason: string
  /** ms since the epoch; 0 when refused */
  expiresAt: number
  bytes: number
}

export interface JobDataPinsOptions {
  /** How long super-peers are asked to keep data. */
  durationMs: number
}

export interface JobDataPinsComponents {
  libp2p: Pick<Libp2p, 'getConnections' | 'peerStore' | 'dialProtocol'>
  logger: Logger
}

/** Values of every `cid` field (or one ending in `Cid`) in a job spec: its inputs. */
export function cidsInSpec(spec: unknown): string[] {
  const out = new Set<string>()
  const visit = (value: unknown, key: string): void => {
    if (typeof value === 'string' && (key === 'cid' || key.endsWith('Cid'))) {
      try {
        out.add(CID.parse(value).toString())
      } catch {
        // not a CID: nothing to pin
      }
    } else if (Array.isArray(value)) {
      for (const v of value) visit(v, key)
    } else if (typeof value === 'object' && value !== null) {
      for (const [k, v] of Object.entries(value)) visit(v, k)
    }
  }
  visit(spec, '')
  return [...out]
}

/**
 * Asks the connected super-peers (peers that serve `/rynus/pin/1.0.0`) to keep this node's
 * job data, so it stays reachable after the node goes offline. Pins triggered by job events
 * are best effort: queued one after another, logged, never thrown.
 */
export class JobDataPins {
  private readonly opts: JobDataPinsOptions
  private readonly c: JobDataPinsComponents
  private readonly shutdown = new AbortController()
  private queue: Promise<void> = Promise.resolve()

  constructor(opts: JobDataPinsOptions, components: JobDataPinsComponents) {
    this.opts = opts
    this.c = components
  }

  /** Asks every connected super-peer to keep `cid`; one result per super-peer (none when none is connected). */
  async pinNow(cid: string, durationMs = this.opts.durationMs, release = false): Promise<RemotePinResult[]> {
    const servers = await connectedPinServers(this.c.libp2p)
    return Promise.all(servers.map((peer) => this.ask(peer, { cid, durationMs, release })))
  }

  /** One super-peer's answer; a busy one (ERR_PIN_BUSY) is asked again after a pause when `retries` allow. */
  private async ask(
    peer: PeerId,
    request: { cid: string; durationMs: number; release: boolean },
    retries = 0
  ): Promise<RemotePinResult> {
    for (let attempt = 0; ; attempt++) {
      let result: RemotePinResult
      try {
        const a = await requestPin(this.c.libp2p, peer, request, { signal: this.shutdown.signal })
        result = { peer: peer.toString(), ...a }
      } catch (err) {
        const code = (err as { code?: string }).code ?? 'ERR_PEER_REQUEST'
        return {
          peer: peer.toString(),
          accepted: false,
          code,
          reason: describeError(err),
          expiresAt: 0,
          bytes: 0
        }
      }
      if (result.code !== PIN_REFUSALS.busy || attempt >= retries) return result
      await sleep(BUSY_RETRY_BASE_MS * 2 ** attempt, undefined, { signal: this.shutdown.signal }).catch(
        () => {}
      )
      if (this.shutdown.signal.aborted) return result
    }
  }

  /** Queues pins of `cids` behind earlier ones; `what` names them in the log. */
  pinLater(cids: string[], what: string): void {
    this.queue = this.queue.then(async () => {
      for (const cid of cids) {
        if (this.shutdown.signal.aborted) return
        const servers = await connectedPinServers(this.c.libp2p)
        const request = { cid, durationMs: this.opts.durationMs, release: false }
        const results = await Promise.all(servers.map((peer) => this.ask(peer, request, BUSY_RETRIES)))
        if (results.length === 0) {
          this.c.logger.debug('no super-peer to pin job data on', { cid, what })
          continue
        }
        for (const r of results) {
          if (r.accepted)
            this.c.logger.info('job data pinned on a super-peer', {
              what,
              cid,
              peer: r.peer,
              expiresAt: r.expiresAt
            })
          else
            this.c.logger.warn('a super-peer did not pin job data', {
              what,
              cid,
              peer: r.peer,
              code: r.code,
              reason: r.reason
            })
        }
      }
    })
  }

  /**
   * A requester's job event → what to keep: on `submitted` the spec block (the job id) and
   * every CID it names; on `task-accepted` the task's outputs.
   */
  async onJobEvent(
    event: JobManagerEvent,
    get: (jobId: string) => Promise<JobView | undefined>
  ): Promise<void> {
    if (event.type !== 'submitted' && event.type !== 'task-accepted') return
    try {
      const view = await get(event.jobId)
      if (view === undefined) return
      if (event.type === 'submitted') {
        this.pinLater([event.jobId, ...cidsInSpec(view.job.spec)], `job ${event.jobId} spec and inputs`)
        return
      }
      const task = view.tasks.find((t) => t.taskId === event.taskId)
      const cids = Object.values(task?.outputs ?? {}).map((o) => o.cid)
      if (cids.length > 0) this.pinLater(cids, `results of task ${event.taskId}`)
    } catch (err) {
      this.c.logger.warn('could not look up job data to pin', {
        jobId: event.jobId,
        error: describeError(err)
      })
    }
  }

  /** Stops asking; pins in flight are abandoned. */
  async stop(): Promise<void> {
    this.shutdown.abort()
    await this.queue.catch(() => {})
  }
}
