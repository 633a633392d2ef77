import type { PeerId } from '@libp2p/interface'
import { CID } from 'multiformats/cid'
import { describeError } from '../common/errors.js'
import type { Logger } from '../common/logger.js'
import {
  BITSWAP_MAX_OUTGOING_MESSAGE_BYTES,
  BITSWAP_MAX_WANTLIST_ENTRIES,
  BITSWAP_SERVE_READ_AHEAD
} from './constants.js'
import type { PeerOutbox } from './outbox.js'
import type { Wantlist } from './pb/bitswap.js'
import { blockKey, encodeBlocksFrame, type OutgoingBlock, type OutgoingPresence, WantType } from './wire.js'

/** Where served blocks come from: the node's blockstore, read without the network. */
export interface BlockSource {
  get(cid: CID, options: { offline: true }): AsyncIterable<Uint8Array> | Iterable<Uint8Array>
}

interface PeerWant {
  key: string
  cid: CID
  wantType: WantType
  sendDontHave: boolean
}

/** One peer's wants, in the order they came. */
class Ledger {
  /** Wants to answer. */
  readonly wants = new Map<string, PeerWant>()
  /**
   * Wants for blocks this node lacked when asked (answered DONT_HAVE if the peer wanted
   * that): kept until cancelled, pushed out by newer wants, or answered when we get the block.
   */
  readonly waiting = new Map<string, PeerWant>()
  /** Wants being answered whose block was stored meanwhile: a read that missed it is retried. */
  readonly storedMeanwhile = new Set<string>()
  pumping = false
  gone = false

  constructor(readonly peer: PeerId) {}

  get size(): number {
    return this.wants.size + this.waiting.size
  }
}

/** Wants answered per pass; a cancel that arrives meanwhile applies to the next pass. */
const SERVE_BATCH = 32
/** A want-have for a block this small is answered with the block (as helia and kubo do). */
const REPLACE_HAVE_WITH_BLOCK_BYTES = 1024
/** Blocks in one message stop growing past this (a 1 MiB leaf goes alone, small nodes together). */
const MESSAGE_BLOCK_BYTES = 256 * 1024

/**
 * The serving half of bitswap: keeps each peer's wantlist (at most
 * BITSWAP_MAX_WANTLIST_ENTRIES; a full wantlist replaces it, a cancel removes an entry) and
 * answers it in order through the peer's outbox: the block for a want-block, HAVE for a
 * want-have, DONT_HAVE when the peer asked for it. Blocks are read a few ahead of the one
 * being sent, and each peer has one pass at a time, so one peer cannot make this node read
 * more than BITSWAP_SERVE_READ_AHEAD blocks ahead of what its stream takes.
 */
export class BitswapServer {
  readonly #ledgers = new Map<string, Ledger>()
  readonly #blocks: BlockSource
  readonly #outboxOf: (peer: PeerId) => PeerOutbox
  readonly #log: Logger

  constructor(blocks: BlockSource, outboxOf: (peer: PeerId) => PeerOutbox, log: Logger) {
    this.#blocks = blocks
    this.#outboxOf = outboxOf
    this.#log = log
  }

  /** What `peer` wants now (tests and diagnostics). */
  wantsOf(peer: PeerId): CID[] {
    const ledger = this.#ledgers.get(peer.toString())
    return ledger === undefined
      ? []
      : [...ledger.wants.values(), ...ledger.waiting.values()].map((w) => w.cid)
  }

  receiveWantlist(peer: PeerId, wantlist: Wantlist): void {
    const id = peer.toString()
    let ledger = this.#ledgers.get(id)
    if (ledger === undefined) {
      ledger = new Ledger(peer)
      this.#ledgers.set(id, ledger)
    }
    if (wantlist.full === true) {
      ledger.wants.clear()
      ledger.waiting.clear()
      ledger.storedMeanwhile.clear()
    }
    let dropped = 0
    let invalid = 0
    for (const entry of wantlist.entries) {
      let cid: CID
      try {
        cid = CID.decode(entry.cid)
      } catch {
        invalid++
        continue
      }
      const key = blockKey(cid)
      if (entry.cancel === true) {
        ledger.wants.delete(key)
        ledger.waiting.delete(key)
        ledger.storedMeanwhile.delete(key)
        continue
      }
      const known = ledger.wants.has(key) || ledger.waiting.has(key)
      if (!known && ledger.size >= BITSWAP_MAX_WANTLIST_ENTRIES) {
        const oldest = ledger.waiting.keys().next()
        if (oldest.done === true) {
          dropped++
          continue
        }
        ledger.waiting.delete(oldest.value)
      }
      ledger.waiting.delete(key)
      ledger.wants.set(key, {
        key,
        cid,
        wantType: entry.wantType ?? WantType.WantBlock,
        sendDontHave: entry.sendDontHave === true
      })
    }
    if (dropped > 0 || invalid > 0) {
      this.#log.debug('wantlist entries ignored', { peer: id, overLimit: dropped, invalidCid: invalid })
    }
    void this.#pump(ledger)
  }

  /** A block was stored here: peers waiting for it get it now. */
  announced(cid: CID): void {
    const key = blockKey(cid)
    for (const ledger of this.#ledgers.values()) {
      // a want in the pass under way may have been read (and missed) just before the store
      if (ledger.wants.has(key)) ledger.storedMeanwhile.add(key)
      const want = ledger.waiting.get(key)
      if (want === undefined) continue
      ledger.waiting.delete(key)
      ledger.wants.set(key, want)
      void this.#pump(ledger)
    }
  }

  peerGone(peer: PeerId): void {
    const ledger = this.#ledgers.get(peer.toString())
    if (ledger === undefined) return
    ledger.gone = true
    this.#ledgers.delete(peer.toString())
  }

  stop(): void {
    for (const ledger of this.#ledgers.values()) ledger.gone = true
    this.#ledgers.clear()
  }

  async #pump(ledger: Ledger): Promise<void> {
    if (ledger.pumping) return
    ledger.pumping = true
    try {
      while (ledger.wants.size > 0 && !ledger.gone) {
        const batch: PeerWant[] = []
        for (const want of ledger.wants.values()) {
          batch.push(want)
          if (batch.length === SERVE_BATCH) break
        }
        await this.#serve(ledger, batch)
      }
    } catch (err) {
      // the outbox could not reach the peer: its wants go; it asks again when it is back
      this.#log.debug('could not answer a peer; dropping its wants', {
        peer: ledger.peer.toString(),
        error: describeError(err)
      })
      ledger.wants.clear()
    } finally {
      ledger.pumping = false
    }
  }

  async #serve(ledger: Ledger, batch: PeerWant[]): Promise<void> {
    const outbox = this.#outboxOf(ledger.peer)
    const reads = new Map<number, Promise<Uint8Array | undefined>>()
    const readAhead = (from: number): void => {
      for (let j = from; j < Math.min(batch.length, from + 1 + BITSWAP_SERVE_READ_AHEAD); j++) {
        if (!reads.has(j)) reads.set(j, this.#read(batch[j].cid))
      }
    }
    let blocks: OutgoingBlock[] = []
    let presences: OutgoingPresence[] = []
    let bytes = 0
    const flush = async (): Promise<void> => {
      if (blocks.length === 0 && presences.length === 0) return
      const frame = encodeBlocksFrame(blocks, presences)
      blocks = []
      presences = []
      bytes = 0
      await outbox.send(frame)
    }
    for (let i = 0; i < batch.length; i++) {
      readAhead(i)
      const want = batch[i]
      const block = await reads.get(i)
      reads.delete(i)
      if (ledger.gone) return
      // answered now, unless the peer cancelled it (or sent it again) meanwhile
      if (ledger.wants.get(want.key) !== want) continue
      ledger.wants.delete(want.key)
      const sendBlock =
        block !== undefined &&
        (want.wantType === WantType.WantBlock || block.byteLength <= REPLACE_HAVE_WITH_BLOCK_BYTES)
      if (sendBlock) {
        if (bytes > 0 && bytes + block.byteLength > BITSWAP_MAX_OUTGOING_MESSAGE_BYTES - 1024) await flush()
        blocks.push({ cid: want.cid, bytes: block })
        bytes += block.byteLength
        if (bytes >= MESSAGE_BLOCK_BYTES) await flush()
      } else if (block !== undefined) {
        presences.push({ cid: want.cid, has: true })
      } else if (ledger.storedMeanwhile.has(want.key)) {
        // stored after its read: answered in the next pass
        ledger.wants.set(want.key, want)
      } else {
        if (want.sendDontHave) presences.push({ cid: want.cid, has: false })
        ledger.waiting.set(want.key, want)
      }
      ledger.storedMeanwhile.delete(want.key)
    }
    await flush()
  }

  async #read(cid: CID): Promise<Uint8Array | undefined> {
    try {
      const parts: Uint8Array[] = []
      for await (const part of this.#blocks.get(cid, { offline: true })) parts.push(part)
      return parts.length === 1 ? parts[0] : Buffer.concat(parts)
    } catch (err) {
      const e = err as { name?: string; code?: string }
      if (e.name === 'NotFoundError' || e.code === 'ERR_NOT_FOUND') return undefined
      this.#log.debug('could not read a wanted block', { cid: cid.toString(), error: describeError(err) })
      return undefined
    }
  }
}
