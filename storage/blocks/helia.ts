import { join } from 'node:path'
import { withBitswap } from '@helia/bitswap'
import type { Libp2p } from '@libp2p/interface'
import { LevelBlockstore } from 'blockstore-level'
import { LevelDatastore } from 'datastore-level'
import type { Helia } from 'helia'
import * as json from 'multiformats/codecs/json'
import {
  BITSWAP_MAX_INBOUND_STREAMS,
  BITSWAP_MAX_INCOMING_MESSAGE_BYTES,
  BITSWAP_MAX_OUTBOUND_STREAMS,
  BITSWAP_MAX_OUTGOING_MESSAGE_BYTES,
  BITSWAP_MAX_WANTLIST_ENTRIES,
  BITSWAP_MESSAGE_RECEIVE_TIMEOUT_MS,
  BITSWAP_PROTOCOL,
  BitswapWire
} from '../../protocols/bitswap/index.js'
import { describeError } from '../../protocols/common/errors.js'
import type { Logger } from '../../protocols/common/logger.js'
import { heliaBitswapOf } from '../transfers/bitswap-access.js'
import { attachExchange } from '../transfers/block-exchange.js'
import { BLOCK_FILES_DIR, BLOCKS_DIR, HELIA_DATASTORE_DIR } from './constants.js'
import { FileBlockstore } from './file-blockstore.js'
import { createLightHelia } from './helia-light.js'
import { DhtRouter } from './router.js'

export interface NodeHeliaOptions {
  /** The node's running (or about to run) libp2p; helia borrows it and never stops it. */
  libp2p: Libp2p
  /** The node's data dir; blocks go to `<dataDir>/blocks`, helia's datastore next to it. */
  dataDir: string
  logger: Logger
}

export interface NodeHelia {
  helia: Helia
  /** Stops bitswap and closes the block and helia stores. libp2p keeps running. */
  stop(): Promise<void>
}

/**
 * Helia on the node's existing libp2p: a blockstore (large blocks as files, small ones in
 * level; see FileBlockstore), block exchange over standard
 * bitswap (BitswapWire; also on relayed, limited connections) and provider lookups through the Rynus DHT
 * only. Nothing reaches the public IPFS network: there is no trustless-gateway block broker,
 * no delegated HTTP router and no libp2p of helia's own.
 */
export async function createNodeHelia(opts: NodeHeliaOptions): Promise<NodeHelia> {
  const { libp2p, dataDir } = opts
  const log = opts.logger
  const blockstore = new FileBlockstore(
    join(dataDir, BLOCK_FILES_DIR),
    new LevelBlockstore(join(dataDir, BLOCKS_DIR))
  )
  const datastore = new LevelDatastore(join(dataDir, HELIA_DATASTORE_DIR))
  await blockstore.open()
  try {
    await datastore.open()
  } catch (err) {
    await blockstore.close()
    throw err
  }

  const helia = await createLightHelia({
    blockstore,
    datastore,
    // job specs are JSON blocks; dag-pb and raw (UnixFS) are built in
    codecs: [json],
    routers: [new DhtRouter(libp2p)],
    logger: libp2p.logger,
    metrics: libp2p.metrics
  })
  // bitswap's mixin reads `helia.libp2p`; giving it ours (instead of @helia/libp2p's
  // withLibp2p, which always creates and later stops a libp2p of its own) keeps one stack
  Object.defineProperty(helia, 'libp2p', { value: libp2p, enumerable: true })
  withBitswap(helia as Parameters<typeof withBitswap>[0], {
    protocol: BITSWAP_PROTOCOL,
    runOnLimitedConnections: true,
    maxInboundStreams: BITSWAP_MAX_INBOUND_STREAMS,
    maxOutboundStreams: BITSWAP_MAX_OUTBOUND_STREAMS,
    maxIncomingMessageSize: BITSWAP_MAX_INCOMING_MESSAGE_BYTES,
    maxOutgoingMessageSize: BITSWAP_MAX_OUTGOING_MESSAGE_BYTES,
    maxWantlistSize: BITSWAP_MAX_WANTLIST_ENTRIES,
    messageReceiveTimeout: BITSWAP_MESSAGE_RECEIVE_TIMEOUT_MS
  })

  const closeStores = async (): Promise<void> => {
    for (const store of [blockstore, datastore]) {
      try {
        await store.close()
      } catch (err) {
        log.warn('error while closing a block store', { error: describeError(err) })
      }
    }
  }

  try {
    await helia.start()
  } catch (err) {
    await helia.stop().catch(() => {})
    await closeStores()
    throw err
  }
  // our bitswap wire takes the protocol over from helia's: it serves and receives every
  // message; helia's want list still fetches what helia asks the network for
  const heliaBitswap = heliaBitswapOf(helia)
  const wire = new BitswapWire({
    libp2p,
    blocks: helia.blockstore,
    heliaWants: heliaBitswap.wantList,
    log: log.child('bitswap')
  })
  await wire.start()
  // helia tells its bitswap of a new block before storing it; ours hears of it once stored
  heliaBitswap.peerWantLists.receivedBlock = async () => {}
  blockstore.onStored = (cid) => wire.server.announced(cid)
  const exchange = attachExchange(helia as Helia & { libp2p: Libp2p }, wire, log.child('transfers'))
  log.debug('helia started', { blocks: join(dataDir, BLOCKS_DIR), protocol: BITSWAP_PROTOCOL })

  let stopped = false
  return {
    helia,
    async stop(): Promise<void> {
      if (stopped) return
      stopped = true
      exchange.stop()
      await wire.stop().catch(() => {})
      try {
        await helia.stop()
      } catch (err) {
        log.warn('error while stopping helia', { error: describeError(err) })
      }
      await closeStores()
    }
  }
}
