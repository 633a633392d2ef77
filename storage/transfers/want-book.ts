import type { PeerId } from '@libp2p/interface'
import type { CID } from 'multiformats/cid'
import * as raw from 'multiformats/codecs/raw'
import { PEER_WINDOW_BLOCKS, WANT_TIMEOUT_MS } from './constants.js'

/** A block a fetch still needs: queued, stalled, or wanted from `peer` since `sentAt`. */
export interface Want {
  cid: CID
  key: string
  peer?: string
  sentAt: number
}

interface Provider {
  id: PeerId
  inflight: number
}

/** Whether a peer may be asked (not banned). */
export type PeerFilter = (peer: PeerId) => boolean

/** Whether a provider is one the fetch means to use now (see SourcePlan); others are a fallback. */
export type PeerPreference = (id: string) => boolean

/**
 * The bookkeeping of one fetch, without I/O: which blocks are missing, which are wanted from
 * whom, which providers there are and what each said it lacks. `assign` hands out wants up to
 * the window, to the least-loaded of the preferred providers (any other provider only for a
 * block none of those may give); blocks no provider can give wait as stalled until a provider
 * appears.
 */
export class WantBook {
  readonly #window: number
  readonly #peerWindow: number
  readonly #timeoutMs: number
  readonly #missing = new Map<string, Want>()
  readonly #queue: Want[] = []
  #head = 0
  #retry: Want[] = []
  #stalled: Want[] = []
  readonly #inflight = new Map<string, Want>()
  readonly #providers = new Map<string, Provider>()
  readonly #dontHave = new Map<string, Set<string>>()
  readonly #slow = new Map<string, Set<string>>()

  constructor(window: number, peerWindow = PEER_WINDOW_BLOCKS, timeoutMs = WANT_TIMEOUT_MS) {
    this.#window = window
    this.#peerWindow = peerWindow
    this.#timeoutMs = timeoutMs
  }

  get providerCount(): number {
    return this.#providers.size
  }

  get inflightCount(): number {
    return this.#inflight.size
  }

  /** Nothing is missing any more. */
  get isEmpty(): boolean {
    return this.#missing.size === 0
  }

  get hasStalled(): boolean {
    return this.#stalled.length > 0
  }

  firstStalled(): CID | undefined {
    return this.#stalled.find((w) => this.#missing.get(w.key) === w)?.cid
  }

  /** A block to fetch. Interior nodes go first: each one unlocks many leaves. */
  add(cid: CID, key: string): void {
    if (this.#missing.has(key)) return
    const want: Want = { cid, key, sentAt: 0 }
    this.#missing.set(key, want)
    if (cid.code === raw.code) this.#queue.push(want)
    else this.#retry.push(want)
  }

  /** A peer holds the root: it becomes a provider (false when it already was or is filtered out). */
  addProvider(peer: PeerId, allowed: PeerFilter = () => true): boolean {
    const id = peer.toString()
    if (this.#providers.has(id) || !allowed(peer)) return false
    this.#providers.set(id, { id: peer, inflight: 0 })
    this.unstall()
    return true
  }

  /** The provider went away: what it was asked for is asked elsewhere. */
  removeProvider(peer: PeerId): boolean {
    const id = peer.toString()
    if (!this.#providers.delete(id)) return false
    for (const w of this.#inflight.values()) {
      if (w.peer === id) this.#requeue(w)
    }
    return true
  }

  /** A block arrived (its hash matches): the want it answers, if it was still missing. */
  received(key: string, sender: PeerId): Want | undefined {
    const want = this.#missing.get(key)
    if (want === undefined) return undefined
    this.#missing.delete(key)
    this.#dontHave.delete(key)
    this.#slow.delete(key)
    if (this.#inflight.delete(key) && want.peer !== undefined) {
      const p = this.#providers.get(want.peer)
      if (p !== undefined) p.inflight--
    }
    // it served a valid block: it holds (part of) the DAG
    if (!this.#providers.has(sender.toString())) this.addProvider(sender)
    return want
  }

  /** The peer says it lacks the block: ask another. */
  dontHave(key: string, sender: PeerId): void {
    const id = sender.toString()
    if (!this.#missing.has(key)) return
    let peers = this.#dontHave.get(key)
    if (peers === undefined) {
      peers = new Set()
      this.#dontHave.set(key, peers)
    }
    peers.add(id)
    const want = this.#inflight.get(key)
    if (want?.peer === id) this.#requeue(want)
  }

  /** Wants unanswered for the timeout go to another provider (this one stays a last resort). */
  expire(now: number): number {
    let n = 0
    for (const w of [...this.#inflight.values()]) {
      if (now - w.sentAt < this.#timeoutMs || w.peer === undefined) continue
      let peers = this.#slow.get(w.key)
      if (peers === undefined) {
        peers = new Set()
        this.#slow.set(w.key, peers)
      }
      peers.add(w.peer)
      this.#requeue(w)
      n++
    }
    return n
  }

  /** Gives the stalled blocks another chance (a provider appeared or a lookup is under way). */
  unstall(): void {
    this.#retry.push(...this.#stalled)
    this.#stalled = []
  }

  /**
   * Hands out wants up to the window, less `reserved` places (blocks received and still being
   * stored), `batch` at a time to one provider (the least loaded that may hold them);
   * returns the new wants per provider.
   */
  assign(
    allowed: PeerFilter = () => true,
    batch = 1,
    now = Date.now(),
    reserved = 0,
    preferred: PeerPreference = () => true
  ): Map<PeerId, Want[]> {
    const batches = new Map<PeerId, Want[]>()
    let current: Provider | undefined
    let inBatch = 0
    while (this.#inflight.size + reserved < this.#window) {
      const want = this.#next()
      if (want === undefined) break
      // a batch goes on to a provider in use; one taken as a fallback is chosen afresh
      const keep =
        current !== undefined &&
        inBatch < batch &&
        preferred(current.id.toString()) &&
        this.#eligible(current, want.key, allowed)
      const pick = keep ? current : this.#pick(want.key, allowed, preferred)
      if (pick === 'busy') {
        this.#retry.unshift(want)
        break
      }
      if (pick === undefined) {
        this.#stalled.push(want)
        continue
      }
      if (pick !== current) {
        current = pick
        inBatch = 0
      }
      inBatch++
      want.peer = pick.id.toString()
      want.sentAt = now
      pick.inflight++
      this.#inflight.set(want.key, want)
      const sent = batches.get(pick.id) ?? []
      sent.push(want)
      batches.set(pick.id, sent)
    }
    return batches
  }

  #requeue(want: Want): void {
    this.#inflight.delete(want.key)
    const p = want.peer !== undefined ? this.#providers.get(want.peer) : undefined
    if (p !== undefined) p.inflight--
    want.peer = undefined
    this.#retry.push(want)
  }

  #next(): Want | undefined {
    for (;;) {
      let want: Want | undefined
      if (this.#retry.length > 0) want = this.#retry.shift()
      else if (this.#head < this.#queue.length) {
        want = this.#queue[this.#head++]
        if (this.#head > 1024 && this.#head * 2 > this.#queue.length) {
          this.#queue.splice(0, this.#head)
          this.#head = 0
        }
      } else return undefined
      if (want !== undefined && this.#missing.get(want.key) === want && !this.#inflight.has(want.key)) {
        return want
      }
    }
  }

  #eligible(p: Provider, key: string, allowed: PeerFilter): boolean {
    return (
      p.inflight < this.#peerWindow &&
      this.#dontHave.get(key)?.has(p.id.toString()) !== true &&
      this.#slow.get(key)?.has(p.id.toString()) !== true &&
      allowed(p.id)
    )
  }

  /**
   * The least-loaded preferred provider that may have the block (not one that was slow with
   * it), else the least-loaded of any; 'busy' when the choice is full.
   */
  #pick(key: string, allowed: PeerFilter, preferred: PeerPreference): Provider | 'busy' | undefined {
    const slow = this.#slow.get(key)
    const first = this.#leastLoaded(key, allowed, (id) => preferred(id) && slow?.has(id) !== true)
    return first ?? this.#leastLoaded(key, allowed, () => true)
  }

  #leastLoaded(key: string, allowed: PeerFilter, among: PeerPreference): Provider | 'busy' | undefined {
    const lacks = this.#dontHave.get(key)
    const slow = this.#slow.get(key)
    let best: Provider | undefined
    let bestScore = Number.POSITIVE_INFINITY
    let full = false
    for (const [id, p] of this.#providers) {
      if (lacks?.has(id) === true || !among(id) || !allowed(p.id)) continue
      if (p.inflight >= this.#peerWindow) {
        full = true
        continue
      }
      const score = p.inflight + (slow?.has(id) === true ? this.#peerWindow : 0)
      if (score < bestScore) {
        best = p
        bestScore = score
      }
    }
    if (best === undefined && full) return 'busy'
    return best
  }
}
