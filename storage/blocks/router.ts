import type { AbortOptions, Libp2p, PeerInfo } from '@libp2p/interface'
import { peerIdFromCID } from '@libp2p/peer-id'
import type { Peer, Provider, Router, RoutingOptions } from 'helia'
import type { CID } from 'multiformats/cid'

/** Name helia reports for providers found by this router. */
export const DHT_ROUTER_NAME = 'rynus-dht'

/**
 * Helia's only router: provider and peer lookups go through the node's own libp2p content
 * and peer routing, i.e. the Rynus Kademlia DHT. No delegated HTTP routing, no public IPFS
 * DHT. Records (put/get) are left out on purpose: Rynus stores its records through
 * `protocols/dht-record`, never through helia.
 */
export class DhtRouter implements Router {
  readonly name = DHT_ROUTER_NAME
  private readonly libp2p: Pick<Libp2p, 'contentRouting' | 'peerRouting'>

  constructor(libp2p: Pick<Libp2p, 'contentRouting' | 'peerRouting'>) {
    this.libp2p = libp2p
  }

  async provide(cid: CID, options?: RoutingOptions): Promise<void> {
    await this.libp2p.contentRouting.provide(cid, options)
  }

  async cancelReprovide(cid: CID, options?: AbortOptions): Promise<void> {
    await this.libp2p.contentRouting.cancelReprovide(cid, options)
  }

  async *findProviders(cid: CID, options?: RoutingOptions): AsyncIterable<Provider> {
    for await (const info of this.libp2p.contentRouting.findProviders(cid, options)) {
      yield { ...toPeer(info), fallback: false }
    }
  }

  async findPeer(peer: CID, options?: RoutingOptions): Promise<Peer> {
    return toPeer(await this.libp2p.peerRouting.findPeer(peerIdFromCID(peer), options))
  }

  async *getClosestPeers(key: Uint8Array, options?: RoutingOptions): AsyncIterable<Peer> {
    for await (const info of this.libp2p.peerRouting.getClosestPeers(key, options)) yield toPeer(info)
  }

  toString(): string {
    return 'DhtRouter()'
  }
}

function toPeer(info: PeerInfo): Peer {
  return { id: info.id.toCID(), multiaddrs: info.multiaddrs, router: DHT_ROUTER_NAME }
}
