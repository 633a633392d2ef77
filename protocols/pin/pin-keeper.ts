import type { Helia } from 'helia'
import { CID } from 'multiformats/cid'
import { DagTooLargeError, UnsupportedCodecError, walkDag } from '../../storage/car/index.js'
import { holdPin, releasePin } from '../../storage/pins/index.js'
import { type PinRecord, type PinRepository, SerialQueue } from '../../storage/repos/index.js'
import { describeError } from '../common/errors.js'
import type { Logger } from '../common/logger.js'
import type { PinAnswer } from './codec.js'
import { PIN_MAX_BLOCKS, PIN_REFUSALS } from './constants.js'
import { PinRefusedError } from './errors.js'

/** What a super-peer keeps for one peer, and how long it works on one pin. */
export interface PinLimits {
  maxPinsPerPeer: number
  maxBytesPerPeer: number
  maxDurationMs: number
  fetchTimeoutMs: number
  maxConcurrentFetches: number
}

export interface PinKeeperComponents {
  helia: Pick<Helia, 'blockstore' | 'getCodec' | 'pins' | 'routing'>
  repo: PinRepository
  logger: Logger
}

function days(ms: number): string {
  return ms >= 86_400_000 ? `${(ms / 86_400_000).toFixed(1)} days` : `${Math.round(ms / 1000)} s`
}

/**
 * The super-peer's side of pinning, without the wire: fetches a peer's DAG over bitswap
 * within the peer's quota, pins it in helia, records who holds it until when, and unpins it
 * once no peer's pin is left. Work on one CID is serialised, so two peers pinning (or one
 * pinning while a sweep unpins) the same DAG never race.
 */
export class PinKeeper {
  private readonly limits: PinLimits
  private readonly c: PinKeeperComponents
  private readonly queue = new SerialQueue()
  /** Peers with a fetch under way. */
  private readonly fetching = new Set<string>()
  private readonly shutdown = new AbortController()

  constructor(limits: PinLimits, components: PinKeeperComponents) {
    this.limits = limits
    this.c = components
  }

  /** Pins `cid` for `peer` for `durationMs` (capped at the maximum) or refuses with PinRefusedError. */
  async pin(peer: string, cid: CID, durationMs: number, now = Date.now()): Promise<PinAnswer> {
    const key = cid.toString()
    const kept = Math.min(durationMs, this.limits.maxDurationMs)
    const capped =
      kept < durationMs ? ` (${days(this.limits.maxDurationMs)} is the most this node keeps a pin)` : ''
    // a pin this peer holds already is extended, in the CID's turn so a sweep cannot drop it meanwhile
    const extended = await this.queue.run(key, async () => {
      const held = await this.c.repo.get(key, peer)
      if (held === undefined) return undefined
      const record = { ...held, expiresAt: Math.max(held.expiresAt, now + kept) }
      await this.c.repo.put(record)
      return this.accepted(
        record,
        `already pinned; kept until ${new Date(record.expiresAt).toISOString()}${capped}`
      )
    })
    if (extended !== undefined) return extended
    const usage = await this.c.repo.usage(peer)
    if (usage.pins >= this.limits.maxPinsPerPeer) {
      throw new PinRefusedError(
        PIN_REFUSALS.quotaPins,
        `you hold ${usage.pins} pins here, the most this node keeps per peer; release some or wait for them to expire`
      )
    }
    if (this.fetching.has(peer) || this.fetching.size >= this.limits.maxConcurrentFetches) {
      throw new PinRefusedError(
        PIN_REFUSALS.busy,
        this.fetching.has(peer)
          ? 'another pin of yours is being fetched; send pins one at a time'
          : 'this node is fetching as many DAGs as it will at once; try again in a minute'
      )
    }
    const budget = this.limits.maxBytesPerPeer - usage.bytes
    this.fetching.add(peer)
    try {
      const size = await this.fetch(cid, budget, usage.bytes)
      return await this.queue.run(key, async () => {
        // one helia pin per root: an asset of this node with the same DAG shares it
        await holdPin(this.c.helia.pins, cid, 'remote')
        const record: PinRecord = { cid: key, peer, ...size, createdAt: now, expiresAt: now + kept }
        await this.c.repo.put(record)
        this.announce(cid)
        this.c.logger.info('pinned for a peer', {
          cid: key,
          peer,
          bytes: size.bytes,
          expiresAt: record.expiresAt
        })
        return this.accepted(record, `pinned ${size.bytes} bytes in ${size.blocks} blocks${capped}`)
      })
    } finally {
      this.fetching.delete(peer)
    }
  }

  /** Drops `peer`'s pin of `cid` (and the helia pin once nobody holds it). */
  async release(peer: string, cid: CID): Promise<PinAnswer> {
    const key = cid.toString()
    const held = await this.c.repo.get(key, peer)
    if (held === undefined)
      throw new PinRefusedError(PIN_REFUSALS.notPinned, `you hold no pin of ${key} here`)
    await this.queue.run(key, () => this.drop(held))
    return {
      accepted: true,
      code: '',
      reason: 'released',
      expiresAt: 0,
      bytes: held.bytes,
      blocks: held.blocks
    }
  }

  /** Drops every pin that has expired by `now`; returns how many. */
  async sweep(now = Date.now()): Promise<number> {
    let dropped = 0
    for (const record of await this.c.repo.all()) {
      if (record.expiresAt > now) continue
      await this.queue.run(record.cid, () => this.drop(record))
      dropped += 1
    }
    return dropped
  }

  /** Aborts fetches under way and waits for pin and unpin work to settle. */
  async stop(): Promise<void> {
    this.shutdown.abort()
    await this.queue.idle()
  }

  private accepted(record: PinRecord, reason: string): PinAnswer {
    return {
      accepted: true,
      code: '',
      reason,
      expiresAt: record.expiresAt,
      bytes: record.bytes,
      blocks: record.blocks
    }
  }

  /** Walks (and so fetches) the whole DAG within `budget` bytes; refusals for what goes wrong. */
  private async fetch(cid: CID, budget: number, used: number): Promise<{ bytes: number; blocks: number }> {
    const timeout = AbortSignal.timeout(this.limits.fetchTimeoutMs)
    const signal = AbortSignal.any([this.shutdown.signal, timeout])
    let bytes = 0
    let blocks = 0
    const fetched: CID[] = []
    try {
      for await (const block of walkDag(this.c.helia, cid, {
        signal,
        maxBytes: Math.max(0, budget),
        maxBlocks: PIN_MAX_BLOCKS,
        onFetched: (c) => fetched.push(c)
      })) {
        bytes += block.bytes.byteLength
        blocks += 1
      }
      return { bytes, blocks }
    } catch (err) {
      await this.forget(fetched)
      if (err instanceof DagTooLargeError) {
        throw err.limit === 'bytes'
          ? new PinRefusedError(
              PIN_REFUSALS.quotaBytes,
              `pinning ${cid} would take you past your quota of ${this.limits.maxBytesPerPeer} bytes here (you hold ${used}); release some pins or wait for them to expire`
            )
          : new PinRefusedError(PIN_REFUSALS.tooLarge, `${cid} has more than ${PIN_MAX_BLOCKS} blocks`)
      }
      if (err instanceof UnsupportedCodecError)
        throw new PinRefusedError(PIN_REFUSALS.unsupported, err.message)
      const why = timeout.aborted
        ? `no block arrived in time (gave up after ${days(this.limits.fetchTimeoutMs)})`
        : describeError(err)
      throw new PinRefusedError(
        PIN_REFUSALS.fetch,
        `could not fetch ${cid}: ${why}; keep a node that has it online and connected while it is pinned`,
        { cause: err }
      )
    }
  }

  /** Tells the DHT this node provides the DAG, so nodes not connected to it find it (best effort). */
  private announce(cid: CID): void {
    this.c.helia.routing.provide(cid, { signal: this.shutdown.signal }).catch((err: unknown) => {
      this.c.logger.debug('could not announce a pinned DAG', {
        cid: cid.toString(),
        error: describeError(err)
      })
    })
  }

  /** Deletes what a refused fetch brought in (unless a pin holds it now), so it is neither kept nor served. */
  private async forget(fetched: CID[]): Promise<void> {
    for (const c of fetched) {
      try {
        if (!(await this.c.helia.pins.isPinned(c))) await this.c.helia.blockstore.delete(c)
      } catch (err) {
        this.c.logger.debug('could not delete a fetched block', {
          cid: c.toString(),
          error: describeError(err)
        })
      }
    }
  }

  private async drop(record: PinRecord): Promise<void> {
    await this.c.repo.delete(record.cid, record.peer)
    if ((await this.c.repo.holders(record.cid)).length > 0) return
    // the pin stays while an asset of this node holds the same root
    await releasePin(this.c.helia.pins, CID.parse(record.cid), 'remote')
    this.c.logger.info('pin expired or released', { cid: record.cid, peer: record.peer })
  }
}
