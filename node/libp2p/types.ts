import type { CircuitRelayService } from '@libp2p/circuit-relay-v2'
import type { GossipSub } from '@libp2p/gossipsub'
import type { Identify, IdentifyPush } from '@libp2p/identify'
import type { Libp2p } from '@libp2p/interface'
import type { KadDHT } from '@libp2p/kad-dht'
import type { Ping } from '@libp2p/ping'

export interface RynusServices extends Record<string, unknown> {
  identify: Identify
  identifyPush: IdentifyPush
  ping: Ping
  autonat: unknown
  dcutr: unknown
  dht: KadDHT
  pubsub: GossipSub
  relay?: CircuitRelayService
}

export type RynusLibp2p = Libp2p<RynusServices>
