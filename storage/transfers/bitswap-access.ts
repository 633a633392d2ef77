import type { Libp2p } from '@libp2p/interface'
import type { Helia } from 'helia'
import type { CID } from 'multiformats/cid'
import type { HeliaWantList } from '../../protocols/bitswap/index.js'
import { NoBitswapError } from './errors.js'

/**
 * The pieces of @helia/bitswap (4.x) the node still uses, which the package does not export.
 * BitswapWire serves and receives every bitswap message; helia's bitswap keeps fetching the
 * blocks helia itself asks the network for (a UnixFS read that is not offline), so its want
 * list is handed the answers, and its hook for blocks stored here is pointed at our server.
 */
export interface HeliaBitswap {
  wantList: HeliaWantList & { has(cid: CID): boolean }
  peerWantLists: { receivedBlock(cid: CID, options?: unknown): Promise<void> }
}

/** helia with the libp2p that `createNodeHelia` gives it. */
export type NodeBlocks = Helia & { libp2p: Libp2p }

/** The bitswap inside `helia` (added by `withBitswap`), or NoBitswapError. */
export function heliaBitswapOf(helia: Helia): HeliaBitswap {
  const brokers = (helia as unknown as { blockBrokers?: Array<{ name?: string; bitswap?: HeliaBitswap }> })
    .blockBrokers
  const bitswap = brokers?.find((b) => b.name === 'bitswap')?.bitswap
  if (
    typeof bitswap?.wantList?.receiveMessage !== 'function' ||
    typeof bitswap.peerWantLists?.receivedBlock !== 'function'
  )
    throw new NoBitswapError()
  return bitswap
}
