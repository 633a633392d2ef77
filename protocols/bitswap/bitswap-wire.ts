import type { Connection, Libp2p, PeerId, Stream } from '@libp2p/interface'
import { TypedEventEmitter } from '@libp2p/interface'
import { RateLimiter } from '@libp2p/utils'
import { CID } from 'multiformats/cid'
import { describeError } from '../common/errors.js'
import type { Logger } from '../common/logger.js'
import {
  BITSWAP_MAX_INBOUND_STREAMS,
  BITSWAP_MAX_INCOMING_MESSAGE_BYTES,
  BITSWAP_MAX_OUTBOUND_STREAMS,
  BITSWAP_MAX_PEER_BUFFERED_BYTES,
  BITSWAP_MESSAGE_RECEIVE_TIMEOUT_MS,
  BITSWAP_MESSAGES_PER_SECOND,
  BITSWAP_PROTOCOL
} from './constants.js'
import { BitswapMessageError } from './errors.js'
import { type FrameBudget, readFrames } from './frames.js'
import { PeerOutbox } from './outbox.js'
import type { BitswapMessage } from './pb/bitswap.js'
import { BitswapServer, type BlockSource } from './server.js'
import {
  type BlockBytes,
  BlockPresenceType,
  decodeMessage,
  encodeWantsFrame,
  type OutgoingWant,
  type ReceivedMessage,
  receivedBlockCid
} from './wire.js'

/**
 * A block that arrived; `cid` is the hash of `block`, so it is always the block's true CID.
 * A large block is usually still in the pieces it arrived in (see BlockBytes).
 */
export interface ReceivedBlock {
  sender: PeerId
  cid: CID
  block: BlockBytes
}

/** A peer saying it holds (HAVE) or does not hold (DONT_HAVE) a block. */
export interface ReceivedPresence {
  sender: PeerId
  cid: CID
  has: boolean
}

export interface BitswapWireEvents {
  block: CustomEvent<ReceivedBlock>
  presence: CustomEvent<ReceivedPresence>
}

/**
 * helia's own want list (@helia/bitswap), which still fetches the blocks helia asks the
 * network for (a UnixFS read that is not offline): it sends its wants itself and is handed
 * the blocks and presences that arrive while it wants something.
 */
export interface HeliaWantList {
  readonly wants: Map<string, unknown>
  receiveMessage(connection: Connection, message: BitswapMessage): Promise<void>
}

export interface BitswapWireInit {
  libp2p: Libp2p
  blocks: BlockSource
  heliaWants?: HeliaWantList
  /**
   * Whether answers from this peer are worth reading: this node asked it for something.
   * Blocks and presences nobody here asked for are dropped unread (unless helia wants
   * something). Default: all.
   */
  expectsBlocksFrom?: (peer: PeerId) => boolean
  log: Logger
}

/**
 * Standard bitswap 1.2.0 on the node's libp2p, the wire under every transfer: reads every
 * inbound bitswap message (size-limited, rate-limited per peer, idle streams closed), answers
 * wants through the BitswapServer, and emits the blocks and presences that arrive. Messages
 * go out on one long-lived stream per peer (PeerOutbox), and blocks are framed without being
 * copied. Any bitswap 1.2.0 peer (helia, kubo) can fetch from it and serve it.
 */
export class BitswapWire extends TypedEventEmitter<BitswapWireEvents> {
  readonly server: BitswapServer
  readonly #libp2p: Libp2p
  readonly #heliaWants?: HeliaWantList
  readonly #log: Logger
  /** See BitswapWireInit; BlockExchange sets it once it exists. */
  expectsBlocksFrom: (peer: PeerId) => boolean
  readonly #outboxes = new Map<string, PeerOutbox>()
  /** Bytes of incomplete inbound messages held per peer, over all its streams. */
  readonly #held = new Map<string, number>()
  readonly #limiter = new RateLimiter({ points: 2 * BITSWAP_MESSAGES_PER_SECOND, duration: 2 })
  readonly #onDisconnect = (evt: CustomEvent<PeerId>): void => this.#peerGone(evt.detail)
  #running = false

  constructor(init: BitswapWireInit) {
    super()
    this.#libp2p = init.libp2p
    this.#heliaWants = init.heliaWants
    this.#log = init.log
    this.expectsBlocksFrom = init.expectsBlocksFrom ?? (() => true)
    this.server = new BitswapServer(init.blocks, (peer) => this.#outbox(peer), init.log)
  }

  /** Takes the bitswap protocol over (from helia's bitswap, if it registered it). */
  async start(): Promise<void> {
    await this.#libp2p.unhandle(BITSWAP_PROTOCOL)
    await this.#libp2p.handle(BITSWAP_PROTOCOL, (stream, connection) => this.#onStream(stream, connection), {
      maxInboundStreams: BITSWAP_MAX_INBOUND_STREAMS,
      maxOutboundStreams: BITSWAP_MAX_OUTBOUND_STREAMS,
      runOnLimitedConnection: true
    })
    this.#libp2p.addEventListener('peer:disconnect', this.#onDisconnect)
    this.#running = true
  }

  async stop(): Promise<void> {
    if (!this.#running) return
    this.#running = false
    this.#libp2p.removeEventListener('peer:disconnect', this.#onDisconnect)
    await this.#libp2p.unhandle(BITSWAP_PROTOCOL)
    this.server.stop()
    for (const outbox of this.#outboxes.values()) outbox.close()
    this.#outboxes.clear()
  }

  /** Sends wants to one peer (asking for DONT_HAVE); resolves once its stream took them. */
  async sendWants(peer: PeerId, wants: OutgoingWant[]): Promise<void> {
    await this.#outbox(peer).send(encodeWantsFrame(wants))
  }

  #outbox(peer: PeerId): PeerOutbox {
    const id = peer.toString()
    let outbox = this.#outboxes.get(id)
    if (outbox === undefined) {
      outbox = new PeerOutbox(this.#libp2p, peer)
      this.#outboxes.set(id, outbox)
    }
    return outbox
  }

  #peerGone(peer: PeerId): void {
    if (this.#libp2p.getConnections(peer).length > 0) return
    this.server.peerGone(peer)
    const id = peer.toString()
    this.#outboxes.get(id)?.close()
    this.#outboxes.delete(id)
  }

  #onStream(stream: Stream, connection: Connection): void {
    void this.#read(stream, connection)
  }

  async #read(stream: Stream, connection: Connection): Promise<void> {
    const peer = connection.remotePeer
    let limited = 0
    try {
      for await (const frame of readFrames(
        stream,
        BITSWAP_MAX_INCOMING_MESSAGE_BYTES,
        BITSWAP_MESSAGE_RECEIVE_TIMEOUT_MS,
        this.#budgetOf(peer.toString())
      )) {
        if (!this.#running) break
        const message = decodeMessage(frame)
        // only wants make this node work for the peer; blocks and presences answer our own
        // wants, and a fast transfer brings more than BITSWAP_MESSAGES_PER_SECOND of them
        if ((message.wantlist?.entries.length ?? 0) > 0) {
          try {
            this.#limiter.consume(peer.toString())
          } catch {
            if (limited++ === 0)
              this.#log.debug('bitswap wants over the rate limit dropped', { peer: peer.toString() })
            message.wantlist = undefined
          }
        }
        this.#receive(connection, message)
      }
      await stream.close().catch(() => {})
    } catch (err) {
      this.#log.debug('bitswap stream dropped', { peer: peer.toString(), error: describeError(err) })
      stream.abort(err as Error)
    }
  }

  /** The byte budget shared by every inbound stream of one peer (see BITSWAP_MAX_PEER_BUFFERED_BYTES). */
  #budgetOf(peer: string): FrameBudget {
    const held = this.#held
    return {
      hold(bytes: number): void {
        const total = (held.get(peer) ?? 0) + bytes
        if (total > BITSWAP_MAX_PEER_BUFFERED_BYTES) {
          throw new BitswapMessageError(
            `the peer's unfinished messages hold over ${BITSWAP_MAX_PEER_BUFFERED_BYTES} bytes across its streams`
          )
        }
        held.set(peer, total)
      },
      release(bytes: number): void {
        const total = (held.get(peer) ?? 0) - bytes
        if (total > 0) held.set(peer, total)
        else held.delete(peer)
      }
    }
  }

  #receive(connection: Connection, message: ReceivedMessage): void {
    const sender = connection.remotePeer
    if (message.wantlist !== undefined) this.server.receiveWantlist(sender, message.wantlist)
    const helia = this.#heliaWants
    const heliaWants = helia !== undefined && helia.wants.size > 0
    // answers from a peer nobody here asked anything are dropped unread (not hashed, their
    // CIDs not decoded): they can only be junk, and they are not rate-limited
    const asked = heliaWants || this.expectsBlocksFrom(sender)
    const hash = message.blocks.length > 0 && asked
    if ((message.blocks.length > 0 || message.blockPresences.length > 0) && !asked) {
      this.#log.debug('dropped answers nobody here asked this peer for', { peer: sender.toString() })
    }
    for (const { prefix, data } of hash ? message.blocks : []) {
      receivedBlockCid(prefix, data).then(
        (cid) => {
          if (cid !== undefined) this.safeDispatchEvent('block', { detail: { sender, cid, block: data } })
        },
        (err: unknown) => this.#log.debug('could not hash a received block', { error: describeError(err) })
      )
    }
    for (const presence of asked ? message.blockPresences : []) {
      let cid: CID
      try {
        cid = CID.decode(presence.cid)
      } catch {
        continue
      }
      const has = presence.type === BlockPresenceType.HaveBlock
      this.safeDispatchEvent('presence', { detail: { sender, cid, has } })
    }
    const answers = message.blocks.length > 0 || message.blockPresences.length > 0
    if (answers && this.#heliaWants !== undefined && this.#heliaWants.wants.size > 0) {
      // helia takes each block in one buffer
      const blocks = message.blocks.map(({ prefix, data }) => ({
        prefix: prefix as Uint8Array<ArrayBuffer>,
        data: (data instanceof Uint8Array ? data : data.subarray()) as Uint8Array<ArrayBuffer>
      }))
      this.#heliaWants
        .receiveMessage(connection, { ...message, blocks, wantlist: undefined })
        .catch((err: unknown) => {
          this.#log.debug('helia could not take a bitswap message', { error: describeError(err) })
        })
    }
  }
}
