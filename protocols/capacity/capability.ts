import type { Libp2p } from '@libp2p/interface'
import type { KadDHT } from '@libp2p/kad-dht'
import { CID } from 'multiformats/cid'
import * as raw from 'multiformats/codecs/raw'
import { sha256 } from 'multiformats/hashes/sha2'
import { describeError } from '../common/errors.js'
import type { Logger } from '../common/logger.js'
import {
  CAPABILITY_KEY_PREFIX,
  CAPABILITY_PATTERN,
  CAPACITY_RETRY_MS,
  FIND_PROVIDERS_TIMEOUT_MS,
  MAX_CAPABILITIES,
  MAX_PROVIDERS,
  PROVIDE_TIMEOUT_MS
} from './constants.js'
import { CapabilityKeyError } from './errors.js'

/** The DHT key for a capability: CIDv1 (raw, sha2-256) of `/rynus/capability/<key>`. */
export async function capabilityCid(key: string): Promise<CID> {
  if (!CAPABILITY_PATTERN.test(key)) {
    throw new CapabilityKeyError(
      `"${key}" is not a capability key (lowercase, e.g. render:blender-3.4:cycles-cpu)`
    )
  }
  const digest = await sha256.digest(new TextEncoder().encode(`${CAPABILITY_KEY_PREFIX}${key}`))
  return CID.createV1(raw.code, digest)
}

export interface Provider {
  peerId: string
  addresses: string[]
}

export interface FindProvidersOptions {
  signal?: AbortSignal
  timeoutMs?: number
  limit?: number
}

/**
 * Workers that provide `key`, found through the DHT: up to `limit`, within `timeoutMs` (what
 * was found by then is returned). Candidates only: check each one's capacity record.
 */
export async function findCapabilityProviders(
  routing: Pick<Libp2p['contentRouting'], 'findProviders'>,
  key: string,
  opts: FindProvidersOptions = {}
): Promise<Provider[]> {
  const cid = await capabilityCid(key)
  const timeout = AbortSignal.timeout(opts.timeoutMs ?? FIND_PROVIDERS_TIMEOUT_MS)
  const signal = opts.signal === undefined ? timeout : AbortSignal.any([opts.signal, timeout])
  const limit = opts.limit ?? MAX_PROVIDERS
  const found = new Map<string, Provider>()
  try {
    for await (const peer of routing.findProviders(cid, { signal })) {
      const peerId = peer.id.toString()
      if (!found.has(peerId))
        found.set(peerId, { peerId, addresses: peer.multiaddrs.map((a) => a.toString()) })
      if (found.size >= limit) break
    }
  } catch (err) {
    if (!signal.aborted || opts.signal?.aborted === true) throw err
  }
  return [...found.values()]
}

export interface CapabilityProviderOptions {
  retryMs?: number
}

export interface CapabilityProviderComponents {
  dht: Pick<KadDHT, 'provide' | 'cancelReprovide'>
  logger: Logger
}

/**
 * Keeps this worker listed as a provider of its capability keys. `update(keys)` provides new
 * keys and stops re-providing dropped ones; kad-dht re-provides the rest before they expire.
 * A provide that fails (no DHT peers yet) is retried.
 */
export class CapabilityProvider {
  private readonly retryMs: number
  private readonly components: CapabilityProviderComponents
  private keys = new Set<string>()
  private readonly provided = new Set<string>()
  private controller?: AbortController
  private timer?: NodeJS.Timeout

  constructor(opts: CapabilityProviderOptions, components: CapabilityProviderComponents) {
    this.retryMs = opts.retryMs ?? CAPACITY_RETRY_MS
    this.components = components
  }

  start(): void {
    this.controller = new AbortController()
  }

  stop(): void {
    clearTimeout(this.timer)
    this.controller?.abort()
    this.controller = undefined
  }

  /** The keys this worker provides now. */
  get current(): string[] {
    return [...this.keys]
  }

  /** Sets the keys to provide; resolves true once all of them are provided (false: retrying). */
  async update(keys: string[]): Promise<boolean> {
    if (keys.length > MAX_CAPABILITIES)
      throw new CapabilityKeyError(`more than ${MAX_CAPABILITIES} capability keys`)
    for (const key of keys) await capabilityCid(key) // validates
    const next = new Set(keys)
    for (const key of this.keys) {
      if (next.has(key)) continue
      this.provided.delete(key)
      await this.components.dht.cancelReprovide(await capabilityCid(key)).catch(() => {})
    }
    this.keys = next
    return this.provideMissing()
  }

  private async provideMissing(): Promise<boolean> {
    const signal = this.controller?.signal
    if (signal === undefined || signal.aborted) return false
    clearTimeout(this.timer)
    let ok = true
    for (const key of this.keys) {
      if (this.provided.has(key)) continue
      try {
        const cid = await capabilityCid(key)
        const each = AbortSignal.any([signal, AbortSignal.timeout(PROVIDE_TIMEOUT_MS)])
        for await (const _event of this.components.dht.provide(cid, { signal: each })) {
          // drain the query
        }
        if (this.keys.has(key)) this.provided.add(key)
      } catch (err) {
        if (signal.aborted) return false
        ok = false
        this.components.logger.debug('provide failed, will retry', { key, error: describeError(err) })
      }
    }
    if (!ok) {
      this.timer = setTimeout(() => void this.provideMissing(), this.retryMs)
      this.timer.unref()
    }
    return ok
  }
}
