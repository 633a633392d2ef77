import type { AbortOptions, Libp2p, PeerId } from '@libp2p/interface'
import type { Helia } from 'helia'
import type { CID } from 'multiformats/cid'
import { NoBitswapError } from './errors.js'

/** Bitswap 1.2.0 want types (message.proto `WantType`). */
export const WANT_BLOCK = 0
export const WANT_HAVE = 1

/** A block that reached helia's bitswap; its CID is the hash of its bytes. */
export interface ReceivedBlock {
  sender: PeerId
  cid: CID
  block: Uint8Array
}

/** A peer saying it holds (HAVE) or does not hold (DONT_HAVE) a block. */
export interface ReceivedPresence {
  sender: PeerId
  cid: CID
  has: boolean
  /** Present when the presence came with the block itself. */
  block?: Uint8Array
}

interface WantlistEntry {
  cid: Uint8Array
  priority: number
  wantType: number
  cancel: boolean
  sendDontHave: boolean
}

/** The shape of @helia/bitswap's queued outgoing message (utils/bitswap-message.js). */
interface OutgoingMessage {
  full: boolean
  pendingBytes: number
  wantlist: Map<string, WantlistEntry>
  blocks: Map<string, unknown>
  blockPresences: Map<string, unknown>
}

/**
 * The pieces of @helia/bitswap (4.x) a fetch uses, which the package does not export: its
 * network (sends a message to one peer) and its want list (hashes every block that arrives and
 * emits it with its sender, so a block's CID is always the hash of its bytes).
 */
export interface BitswapParts {
  network: {
    sendMessage(peer: PeerId, message: OutgoingMessage, options?: AbortOptions): Promise<void>
  }
  wantList: EventTarget & {
    has(cid: CID): boolean
  }
}

/** helia with the libp2p that `createNodeHelia` gives it. */
export type NodeBlocks = Helia & { libp2p: Libp2p }

/** The bitswap inside `helia` (added by `withBitswap`), or NoBitswapError. */
export function bitswapOf(helia: Helia): BitswapParts {
  const brokers = (helia as unknown as { blockBrokers?: Array<{ name?: string; bitswap?: BitswapParts }> })
    .blockBrokers
  const bitswap = brokers?.find((b) => b.name === 'bitswap')?.bitswap
  if (bitswap?.network?.sendMessage === undefined || bitswap.wantList === undefined)
    throw new NoBitswapError()
  return bitswap
}

/**
 * Sends one bitswap message to `peer` wanting `cids` (`want`: WANT_BLOCK or WANT_HAVE), asking
 * for DONT_HAVE answers. Only this peer sees these wants: nothing is broadcast.
 */
export async function sendWants(
  bitswap: BitswapParts,
  peer: PeerId,
  cids: CID[],
  want: number,
  options?: AbortOptions
): Promise<void> {
  const wantlist = new Map<string, WantlistEntry>()
  for (const cid of cids) {
    wantlist.set(cid.toString(), {
      cid: cid.bytes,
      priority: 1,
      wantType: want,
      cancel: false,
      sendDontHave: true
    })
  }
  const message: OutgoingMessage = {
    full: false,
    pendingBytes: 0,
    wantlist,
    blocks: new Map(),
    blockPresences: new Map()
  }
  await bitswap.network.sendMessage(peer, message, options)
}
