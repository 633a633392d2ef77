/** Standard bitswap, so any IPFS tool can read what Rynus nodes serve. */
export const BITSWAP_PROTOCOL = '/ipfs/bitswap/1.2.0'

/**
 * Concurrent inbound bitswap streams per connection. A Rynus peer keeps one stream open per
 * direction; other bitswap peers (helia, kubo) open one stream per message, and a fetching
 * peer keeps a handful open. 64 leaves room for bursts while one peer cannot take all of
 * yamux's 256 streams.
 */
export const BITSWAP_MAX_INBOUND_STREAMS = 64

/** Concurrent outbound bitswap streams per connection. */
export const BITSWAP_MAX_OUTBOUND_STREAMS = 64

/**
 * Largest inbound bitswap message. Blocks are at most 1 MiB (our chunk size) and bitswap
 * peers accept blocks up to 2 MiB; 4 MiB holds a maximal block plus a full wantlist, and a
 * peer that sends more has its stream reset before we buffer it.
 */
export const BITSWAP_MAX_INCOMING_MESSAGE_BYTES = 4 * 1024 * 1024

/**
 * Bytes of incomplete inbound messages one peer may have us hold over all its bitswap
 * streams; past it the stream that brought more is reset. Without it, 64 streams each
 * holding most of a 4 MiB message would hold 256 MiB per peer. A Rynus peer sends on one
 * stream (one message in flight); helia and kubo open a stream per message, a few at once.
 */
export const BITSWAP_MAX_PEER_BUFFERED_BYTES = 16 * 1024 * 1024

/** Largest message we send: 2 MiB, the size go-bitswap (kubo) peers expect. */
export const BITSWAP_MAX_OUTGOING_MESSAGE_BYTES = 2 * 1024 * 1024

/**
 * Entries kept from one peer's wantlist. Beyond it, a new want pushes out the oldest want
 * for a block this node lacks; when every kept want is one it can answer, new ones are dropped.
 */
export const BITSWAP_MAX_WANTLIST_ENTRIES = 1024

/** Wantlist entries read from one message; a message with more is refused and its stream reset. */
export const BITSWAP_MAX_MESSAGE_WANTS = 4 * BITSWAP_MAX_WANTLIST_ENTRIES

/** Block presences read from one message; more fail the message. */
export const BITSWAP_MAX_PRESENCES = 4096

/** Blocks read from one message; more fail the message (a 4 MiB message of tiny blocks). */
export const BITSWAP_MAX_BLOCKS = 4096

/**
 * An inbound bitswap stream that sends nothing for this long is closed, and one message may
 * take at most this long from its first byte to its last. Rynus peers keep their stream
 * between messages and close it themselves after BITSWAP_OUTBOX_IDLE_MS, so this only ends
 * streams that a peer abandoned or trickles into.
 */
export const BITSWAP_MESSAGE_RECEIVE_TIMEOUT_MS = 60_000

/**
 * Our outbound stream to a peer is closed after this long without a message: under the 10 s
 * after which helia drops an idle inbound bitswap stream, so a message is never written into
 * a stream the peer is about to reset.
 */
export const BITSWAP_OUTBOX_IDLE_MS = 8_000

/** A message we send must be taken by the peer's stream within this long, else it is reset. */
export const BITSWAP_SEND_TIMEOUT_MS = 30_000

/**
 * Inbound messages with wants per peer per second, counted over 2 s windows; the wants of a
 * peer sending faster are dropped (a fetch sends a few dozen per second). Messages that only
 * answer (blocks, presences) are not counted: they come for what this node asked.
 */
export const BITSWAP_MESSAGES_PER_SECOND = 200

/** Blocks the server reads ahead from its store for one peer while sending the current one. */
export const BITSWAP_SERVE_READ_AHEAD = 3
