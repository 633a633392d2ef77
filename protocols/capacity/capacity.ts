import type { PeerId, PrivateKey } from '@libp2p/interface'
import type { KadDHT } from '@libp2p/kad-dht'
import { describeError } from '../common/errors.js'
import type { Logger } from '../common/logger.js'
import { type DhtPut, RecordPublisher } from '../dht-record/publisher.js'
import { recordKey, verifyRecord } from '../dht-record/record.js'
import { type CapacityRecord, decodeCapacity, encodeCapacity } from './codec.js'
import { CAPACITY_KIND, CAPACITY_RETRY_MS, CAPACITY_TTL_MS } from './constants.js'

export interface CapacityPublisherOptions {
  /** The worker's capacity now; called at every (re)publish. */
  record(): CapacityRecord | Promise<CapacityRecord>
  ttlMs?: number
  retryMs?: number
}

export interface CapacityPublisherComponents {
  privateKey: PrivateKey
  peerId: { toString(): string }
  dht: DhtPut
  logger: Logger
}

/**
 * Keeps this worker's signed capacity record in the DHT under /rynus/capacity/<peer id>,
 * refreshed at half its TTL. Call `publishNow()` when the capacity changed.
 */
export class CapacityPublisher {
  private readonly publisher: RecordPublisher

  constructor(opts: CapacityPublisherOptions, components: CapacityPublisherComponents) {
    this.publisher = new RecordPublisher(
      {
        kind: CAPACITY_KIND,
        ttlMs: opts.ttlMs ?? CAPACITY_TTL_MS,
        retryMs: opts.retryMs ?? CAPACITY_RETRY_MS,
        payload: async () => encodeCapacity(await opts.record())
      },
      components
    )
  }

  start(): void {
    this.publisher.start()
  }

  stop(): void {
    this.publisher.stop()
  }

  /** Publishes now; false when it failed (logged, retried later). */
  publishNow(): Promise<boolean> {
    return this.publisher.publishNow()
  }

  settled(): Promise<void> {
    return this.publisher.settled()
  }
}

/** A capacity record found in the DHT and checked: signature, key, expiry, limits, sanity. */
export interface VerifiedCapacity {
  peerId: string
  record: CapacityRecord
  publishedAt: number
  expiresAt: number
}

export interface LookupCapacityOptions {
  signal?: AbortSignal
  timeoutMs?: number
  logger?: Logger
}

/** Reads and checks a worker's capacity record; undefined when none valid is found in time. */
export async function lookupCapacity(
  dht: Pick<KadDHT, 'get'>,
  peerId: PeerId | string,
  opts: LookupCapacityOptions = {}
): Promise<VerifiedCapacity | undefined> {
  const key = recordKey(CAPACITY_KIND, peerId)
  const timeout = AbortSignal.timeout(opts.timeoutMs ?? 10_000)
  const signal = opts.signal === undefined ? timeout : AbortSignal.any([opts.signal, timeout])
  try {
    for await (const event of dht.get(key, { signal })) {
      if (event.name !== 'VALUE') continue
      try {
        const signed = await verifyRecord(key, event.value)
        return {
          peerId: peerId.toString(),
          record: decodeCapacity(signed.payload),
          publishedAt: Number(signed.seq),
          expiresAt: Number(signed.expiresAt)
        }
      } catch (err) {
        opts.logger?.debug('ignoring invalid capacity record', {
          peer: peerId.toString(),
          error: describeError(err)
        })
      }
    }
  } catch (err) {
    opts.logger?.debug('capacity lookup failed', { peer: peerId.toString(), error: describeError(err) })
  }
  return undefined
}
