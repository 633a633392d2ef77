import { autoNAT } from '@libp2p/autonat'
import { bootstrap } from '@libp2p/bootstrap'
import { circuitRelayServer } from '@libp2p/circuit-relay-v2'
import { dcutr } from '@libp2p/dcutr'
import { gossipsub } from '@libp2p/gossipsub'
import { createPeerScoreParams, createTopicScoreParams } from '@libp2p/gossipsub/score'
import { identify, identifyPush } from '@libp2p/identify'
import type { PrivateKey } from '@libp2p/interface'
import { kadDHT, passthroughMapper, removePrivateAddressesMapper } from '@libp2p/kad-dht'
import { mdns } from '@libp2p/mdns'
import { noise } from '@libp2p/noise'
import { ping } from '@libp2p/ping'
import { prometheusMetrics } from '@libp2p/prometheus-metrics'
import { type TCPSocketOptions, tcp } from '@libp2p/tcp'
import { webSockets } from '@libp2p/websockets'
import { yamux } from '@libp2p/yamux'
import type { Datastore } from 'interface-datastore'
import { createLibp2p, type Libp2pOptions } from 'libp2p'
import type { Registry } from 'prom-client'
import { dhtRecordSelectors, dhtRecordValidators } from '../../protocols/dht-record/index.js'
import type { NodeConfig } from '../config/config.js'
import {
  DHT_PROTOCOL,
  KNOWN_TOPICS,
  MAX_GOSSIP_MESSAGE_BYTES,
  OFFERS_TOPIC,
  PING_STREAMS,
  RELAY_DATA_LIMIT_BYTES,
  RELAY_DURATION_LIMIT_MS,
  RELAY_MAX_RESERVATIONS,
  SCORE_THRESHOLDS,
  TCP_SOCKET_HIGH_WATER_MARK_BYTES,
  YAMUX_MAX_STREAM_WINDOW_BYTES
} from './constants.js'
import { nodeNoiseCrypto } from './noise-crypto.js'
import { tunedNoise } from './noise-transport.js'
import { pacedCircuitRelayTransport } from './relay-discovery.js'
import type { RynusLibp2p, RynusServices } from './types.js'

export interface CreateLibp2pOptions {
  privateKey: PrivateKey
  datastore: Datastore
  config: NodeConfig
  /** Software version, announced in identify's user agent. */
  version: string
  /** Prometheus registry to record libp2p's metrics in, when metrics are on. */
  metricsRegistry?: Registry
  /** Extra gossip topics to allow (tests, future protocols). */
  extraTopics?: string[]
}

function topicScores(topics: string[]): ReturnType<typeof createPeerScoreParams>['topics'] {
  const out: ReturnType<typeof createPeerScoreParams>['topics'] = {}
  for (const topic of topics) {
    out[topic] = createTopicScoreParams({
      topicWeight: 1,
      timeInMeshWeight: 0.01,
      timeInMeshQuantum: 1000,
      timeInMeshCap: 300,
      firstMessageDeliveriesWeight: 1,
      firstMessageDeliveriesDecay: 0.9,
      firstMessageDeliveriesCap: 50,
      // mesh delivery penalties stay off: offers are bursty, silence is not misbehaviour
      meshMessageDeliveriesWeight: 0,
      meshFailurePenaltyWeight: 0,
      // every invalid (REJECTed) message costs a lot, squared: a few bad offers and the peer is graylisted
      invalidMessageDeliveriesWeight: -100,
      invalidMessageDeliveriesDecay: 0.99
    })
  }
  return out
}

/** Assembles the libp2p node for the configured roles. Nothing is started yet. */
export async function createRynusLibp2p(opts: CreateLibp2pOptions): Promise<RynusLibp2p> {
  const { config } = opts
  const superPeer = config.roles.includes('super-peer')
  const topics = [...KNOWN_TOPICS, ...(opts.extraTopics ?? [])]
  const dhtServer = config.dht.mode === 'server' || (config.dht.mode === 'auto' && superPeer)

  // bootstrap peers are dialed (and re-dialed) by BootstrapKeeper; the module tags them keep-alive
  const peerDiscovery: Array<NonNullable<Libp2pOptions['peerDiscovery']>[number]> = []
  if (config.bootstrap.length > 0) peerDiscovery.push(bootstrap({ list: config.bootstrap, timeout: 100 }))
  if (config.mdns) peerDiscovery.push(mdns({ serviceTag: 'rynus.local' }))

  const listen = [...config.listen]
  if (config.relayClient && !superPeer) listen.push('/p2p-circuit')

  const services = {
    identify: identify(),
    identifyPush: identifyPush(),
    // libp2p's connection monitor pings every 10 s on this protocol; with the default one stream
    // each way, a ping still queued behind a bulk transfer made the next one fail at once
    // (TooManyOutboundProtocolStreams) and the monitor aborted a healthy connection mid-transfer
    ping: ping({ maxOutboundStreams: PING_STREAMS, maxInboundStreams: PING_STREAMS }),
    autonat: autoNAT(),
    dcutr: dcutr(),
    dht: kadDHT({
      protocol: DHT_PROTOCOL,
      // 'auto' on an ordinary node lets kad-dht switch to server once it has a public address
      clientMode: config.dht.mode === 'client' ? true : dhtServer ? false : undefined,
      peerInfoMapper: config.dht.privateAddresses ? passthroughMapper : removePrivateAddressesMapper,
      validators: dhtRecordValidators,
      selectors: dhtRecordSelectors,
      maxInboundStreams: 64,
      maxOutboundStreams: 64
    }),
    pubsub: gossipsub({
      globalSignaturePolicy: 'StrictSign',
      emitSelf: false,
      allowPublishToZeroTopicPeers: true,
      floodPublish: true,
      doPX: superPeer,
      allowedTopics: topics,
      maxInboundDataLength: MAX_GOSSIP_MESSAGE_BYTES * 4,
      maxInboundStreams: 4,
      maxOutboundStreams: 4,
      runOnLimitedConnection: true,
      scoreParams: createPeerScoreParams({
        topics: topicScores([OFFERS_TOPIC]),
        topicScoreCap: 100,
        appSpecificWeight: 1,
        IPColocationFactorWeight: 0,
        behaviourPenaltyWeight: -10,
        behaviourPenaltyDecay: 0.99
      }),
      scoreThresholds: SCORE_THRESHOLDS
    }),
    ...(superPeer
      ? {
          relay: circuitRelayServer({
            reservations: {
              maxReservations: RELAY_MAX_RESERVATIONS,
              defaultDataLimit: RELAY_DATA_LIMIT_BYTES,
              defaultDurationLimit: RELAY_DURATION_LIMIT_MS
            },
            maxInboundHopStreams: 128,
            maxOutboundHopStreams: 128
          })
        }
      : {})
  }

  // TCPSocketOptions omits it, but net.connect/net.createServer take highWaterMark
  const socketOptions = { highWaterMark: TCP_SOCKET_HIGH_WATER_MARK_BYTES } as TCPSocketOptions
  const node = await createLibp2p({
    privateKey: opts.privateKey,
    datastore: opts.datastore,
    start: false,
    nodeInfo: { userAgent: `rynus-node/${opts.version}` },
    addresses: { listen, announce: config.announce },
    transports: [
      tcp({
        maxConnections: config.limits.maxConnections,
        // a socket that takes a whole noise-framed yamux frame before asking for a drain
        dialOpts: socketOptions,
        listenOpts: socketOptions
      }),
      webSockets(),
      pacedCircuitRelayTransport({ reservationCompletionTimeout: 10_000 })
    ],
    // noise with node:crypto's AEAD, one writev per send and no copy before decrypting
    connectionEncrypters: [tunedNoise(noise({ crypto: nodeNoiseCrypto }))],
    streamMuxers: [
      yamux({
        maxInboundStreams: 256,
        maxOutboundStreams: 256,
        streamOptions: {
          maxStreamWindowSize: YAMUX_MAX_STREAM_WINDOW_BYTES,
          // a stream whose reader attaches late may hold a full window before it is read
          maxReadBufferLength: YAMUX_MAX_STREAM_WINDOW_BYTES
        }
      })
    ],
    peerDiscovery,
    connectionManager: {
      maxConnections: config.limits.maxConnections,
      maxParallelDials: config.limits.maxParallelDials,
      maxIncomingPendingConnections: config.limits.maxIncomingPendingConnections,
      inboundConnectionThreshold: config.limits.inboundConnectionsPerSecondPerHost
    },
    metrics:
      opts.metricsRegistry !== undefined
        ? prometheusMetrics({ registry: opts.metricsRegistry, collectDefaultMetrics: false })
        : undefined,
    services
  })
  return node as unknown as RynusLibp2p
}

export type { RynusServices }
