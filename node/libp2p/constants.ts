/** Our own Kademlia network, separate from the public IPFS DHT. */
export const DHT_PROTOCOL = '/rynus/kad/1.0.0'

/** Gossip topics every node may carry. Anything else is dropped at the door. */
import { OFFERS_TOPIC } from '../../protocols/offers/constants.js'

export { OFFERS_TOPIC }
export const KNOWN_TOPICS = [OFFERS_TOPIC]

/** Largest gossip message (a job offer is a few hundred bytes). */
export const MAX_GOSSIP_MESSAGE_BYTES = 64 * 1024

/**
 * Relay limits on super-peers. The libp2p defaults (128 KiB, 2 min) only suit hole-punch
 * signalling; job data must be able to flow through a relay when no direct path exists.
 */
export const RELAY_DATA_LIMIT_BYTES = 4n * 1024n * 1024n * 1024n
export const RELAY_DURATION_LIMIT_MS = 60 * 60 * 1000
export const RELAY_MAX_RESERVATIONS = 256

/** Gossipsub peer-score thresholds (Lodestar's shape, scaled to our single topic). */
export const SCORE_THRESHOLDS = {
  /** below this we stop gossiping (IHAVE/IWANT) with the peer */
  gossipThreshold: -500,
  /** below this we do not publish our own messages to the peer */
  publishThreshold: -1000,
  /** below this we ignore the peer's RPCs entirely */
  graylistThreshold: -2500,
  /** peer exchange only from well-behaved peers */
  acceptPXThreshold: 10,
  opportunisticGraftThreshold: 5
}

/**
 * Largest yamux receive window per stream. The 256 KiB default caps one stream at
 * window/RTT; a bigger window lets a single stream (job data) fill a fast link.
 */
export const YAMUX_MAX_STREAM_WINDOW_BYTES = 16 * 1024 * 1024

/**
 * Bytes a TCP socket buffers in Node before write() asks the caller to wait for 'drain'
 * (Node's default is 16 KiB). One 256 KiB yamux frame becomes five noise messages; with the
 * default the connection stalls for a drain after each, with this it writes them as one batch.
 */
export const TCP_SOCKET_HIGH_WATER_MARK_BYTES = 1024 * 1024

/** Ping streams allowed at once per connection and direction (the connection monitor's pings may queue). */
export const PING_STREAMS = 4
