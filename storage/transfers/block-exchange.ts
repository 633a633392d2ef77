import type { Libp2p, PeerId } from '@libp2p/interface'
import type { Helia } from 'helia'
import type { CID } from 'multiformats/cid'
import {
  type BitswapWire,
  type BlockBytes,
  blockKey,
  type ReceivedBlock,
  type ReceivedPresence,
  WantType
} from '../../protocols/bitswap/index.js'
import { describeError } from '../../protocols/common/errors.js'
import type { Logger } from '../../protocols/common/logger.js'
import { type HeliaBitswap, heliaBitswapOf, type NodeBlocks } from './bitswap-access.js'
import { BAD_PEER_BAN_MS, BAD_PEER_TAG, WANT_TIMEOUT_MS } from './constants.js'
import { NoBitswapError } from './errors.js'

/** One fetch, as the exchange sees it: where to route what arrives. */
export interface ExchangeClient {
  onBlock(cid: CID, block: BlockBytes, sender: PeerId): void
  onPresence(cid: CID, has: boolean, sender: PeerId): void
  /** The peer disconnected, or was banned for serving corrupt blocks. */
  onPeerGone(peer: PeerId): void
  onPeerConnected(peer: PeerId): void
}

/** Who was asked for a block, by which fetches, and until when a late answer is expected. */
interface Asked {
  cid: CID
  clients: Set<ExchangeClient>
  expires: number
  /** The peer sent it (later copies are duplicates, not lies). */
  delivered: boolean
}

/** How long after a fetch ends a late answer to its wants is still recognised as solicited. */
const LATE_ANSWER_MS = 6 * WANT_TIMEOUT_MS

export { blockKey }

/**
 * The node's side of targeted bitswap: routes every block and presence that reaches the
 * node's bitswap wire to the fetches that asked that peer for it. A block's CID is the hash of its bytes,
 * so a block that no one asked its sender for is bytes that do not match the CID asked for
 * (or junk): its sender is banned for BAD_PEER_BAN_MS, tagged, disconnected and dropped by
 * every fetch. One per helia, shared by all fetches, so one fetch's answers never look
 * unsolicited to another.
 */
export class BlockExchange {
  readonly wire: BitswapWire
  readonly #heliaBitswap: HeliaBitswap
  readonly #helia: NodeBlocks
  readonly #libp2p: Libp2p
  readonly #log: Logger
  readonly #asked = new Map<string, Map<string, Asked>>()
  readonly #banned = new Map<string, number>()
  readonly #clients = new Set<ExchangeClient>()
  readonly #onBlock = (evt: Event): void => this.#block((evt as CustomEvent<ReceivedBlock>).detail)
  readonly #onPresence = (evt: Event): void => this.#presence((evt as CustomEvent<ReceivedPresence>).detail)
  readonly #onDisconnect = (evt: CustomEvent<PeerId>): void => {
    for (const c of [...this.#clients]) c.onPeerGone(evt.detail)
  }
  readonly #onConnect = (evt: CustomEvent<PeerId>): void => {
    for (const c of [...this.#clients]) c.onPeerConnected(evt.detail)
  }

  constructor(helia: NodeBlocks, wire: BitswapWire, log: Logger) {
    this.wire = wire
    this.#heliaBitswap = heliaBitswapOf(helia)
    this.#helia = helia
    this.#libp2p = helia.libp2p
    this.#log = log
    // blocks from a peer nobody here asked anything are not worth hashing
    wire.expectsBlocksFrom = (peer) => this.#asked.has(peer.toString())
    wire.addEventListener('block', this.#onBlock)
    wire.addEventListener('presence', this.#onPresence)
    this.#libp2p.addEventListener('peer:disconnect', this.#onDisconnect)
    this.#libp2p.addEventListener('peer:connect', this.#onConnect)
  }

  stop(): void {
    this.wire.removeEventListener('block', this.#onBlock)
    this.wire.removeEventListener('presence', this.#onPresence)
    this.#libp2p.removeEventListener('peer:disconnect', this.#onDisconnect)
    this.#libp2p.removeEventListener('peer:connect', this.#onConnect)
  }

  get libp2p(): Libp2p {
    return this.#libp2p
  }

  register(client: ExchangeClient): void {
    this.#clients.add(client)
  }

  /**
   * The fetch ended: peers are told to drop its wants they did not answer (a bitswap peer
   * keeps a want it could not answer and sends the block once it gets it), and its wants stay
   * recognised for LATE_ANSWER_MS, for answers already on their way, then are forgotten.
   */
  unregister(client: ExchangeClient): void {
    this.#clients.delete(client)
    const now = Date.now()
    for (const [peer, wants] of this.#asked) {
      const cancels: CID[] = []
      for (const [key, asked] of wants) {
        if (!asked.clients.delete(client)) continue
        if (asked.clients.size > 0) continue
        if (asked.expires < now) wants.delete(key)
        else if (!asked.delivered) cancels.push(asked.cid)
      }
      if (wants.size === 0) this.#asked.delete(peer)
      if (cancels.length > 0) this.#cancel(peer, cancels)
    }
  }

  #cancel(peer: string, cids: CID[]): void {
    const to = this.#libp2p.getConnections().find((c) => c.remotePeer.toString() === peer)?.remotePeer
    if (to === undefined) return // gone: its ledger of our wants went with the connection
    this.wire
      .sendWants(
        to,
        cids.map((cid) => ({ cid, wantType: WantType.WantBlock, cancel: true }))
      )
      .catch((err: unknown) => this.#log.debug('could not cancel wants', { peer, error: describeError(err) }))
  }

  /** Records that `client` asked `peer` for `cid` (before the want is sent). */
  asked(client: ExchangeClient, peer: PeerId, cid: CID): void {
    const p = peer.toString()
    let wants = this.#asked.get(p)
    if (wants === undefined) {
      wants = new Map()
      this.#asked.set(p, wants)
    }
    const key = blockKey(cid)
    const asked = wants.get(key) ?? { cid, clients: new Set(), expires: 0, delivered: false }
    asked.clients.add(client)
    asked.expires = Date.now() + LATE_ANSWER_MS
    asked.delivered = false
    wants.set(key, asked)
  }

  isBanned(peer: PeerId): boolean {
    const until = this.#banned.get(peer.toString())
    if (until === undefined) return false
    if (until > Date.now()) return true
    this.#banned.delete(peer.toString())
    return false
  }

  #block({ sender, cid, block }: ReceivedBlock): void {
    const asked = this.#asked.get(sender.toString())?.get(blockKey(cid))
    if (asked !== undefined) {
      asked.delivered = true
      for (const c of asked.clients) c.onBlock(cid, block, sender)
      return
    }
    // helia's own wants (a UnixFS read that was not offline) go to every peer
    if (this.#heliaBitswap.wantList.has(cid)) return
    if (!this.#asked.has(sender.toString())) {
      this.#log.debug('ignored a block no one asked this peer for', { peer: sender.toString() })
      return
    }
    // a peer keeps wants it could not answer and sends the block once it gets it: a valid
    // block we already hold is such a late answer, not a lie
    Promise.resolve(this.#helia.blockstore.has(cid)).then(
      (stored: boolean) => {
        if (stored)
          this.#log.debug('ignored a late copy of a block already stored', { peer: sender.toString() })
        else this.#ban(sender, cid)
      },
      () => this.#ban(sender, cid)
    )
  }

  #presence({ sender, cid, has }: ReceivedPresence): void {
    const asked = this.#asked.get(sender.toString())?.get(blockKey(cid))
    for (const c of asked?.clients ?? []) c.onPresence(cid, has, sender)
  }

  #ban(peer: PeerId, got: CID): void {
    const id = peer.toString()
    this.#banned.set(id, Date.now() + BAD_PEER_BAN_MS)
    this.#asked.delete(id)
    this.#log.warn('a peer served a block whose bytes do not match the CID asked for; not asking it again', {
      peer: id,
      hashOfBytes: got.toString(),
      banMinutes: BAD_PEER_BAN_MS / 60_000
    })
    for (const c of [...this.#clients]) c.onPeerGone(peer)
    void this.#libp2p.peerStore
      .merge(peer, { tags: { [BAD_PEER_TAG]: { value: 0, ttl: BAD_PEER_BAN_MS } } })
      .then(() => this.#libp2p.hangUp(peer))
      .catch((err: unknown) =>
        this.#log.debug('could not disconnect a banned peer', { error: describeError(err) })
      )
  }
}

const exchanges = new WeakMap<Helia, BlockExchange>()

/** Makes the node's exchange over its bitswap wire (createNodeHelia calls this once both run). */
export function attachExchange(helia: NodeBlocks, wire: BitswapWire, log: Logger): BlockExchange {
  const exchange = new BlockExchange(helia, wire, log)
  exchanges.set(helia, exchange)
  return exchange
}

/** The exchange of a helia made by `createNodeHelia`, or NoBitswapError. */
export function exchangeOf(helia: Helia): BlockExchange {
  const found = exchanges.get(helia)
  if (found === undefined) throw new NoBitswapError()
  return found
}
