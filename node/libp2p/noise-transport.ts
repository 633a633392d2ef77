/**
 * Two plumbing fixes around @libp2p/noise's transport phase, for bulk throughput. Neither
 * touches the protocol: the same noise messages, encrypted and authenticated by noise's own
 * cipher states, go over the wire in the same order.
 *
 * 1. One write syscall per batch. Noise frames every message as a 2-byte length followed by
 *    the ciphertext and hands both to the TCP connection, which calls socket.write() once per
 *    piece; with TCP_NODELAY each becomes its own syscall and segment (ten for one 256 KiB
 *    yamux frame). Corking the socket for the duration of one send lets Node flush the batch
 *    with a single writev.
 *
 * 2. No copy before decrypting. Noise's decrypt() builds a `dst` buffer for the WASM cipher
 *    to write into, which for a message spread over two TCP reads (almost every 64 KiB
 *    message) means concatenating the ciphertext first. node:crypto never uses `dst`, so the
 *    copy is pure overhead (and garbage) on the receiving side.
 *
 * Both patch the one connection they are given and leave it alone when it does not have the
 * expected shape (another transport, another noise version), so the worst case is the stock
 * behaviour.
 */
import type { ConnectionEncrypter, MessageStream, SecureConnectionOptions } from '@libp2p/interface'
import { Uint8ArrayList } from 'uint8arraylist'

/** Noise's largest transport message (ciphertext + tag) and its tag. */
const NOISE_MSG_MAX_LENGTH_BYTES = 65535
const CHACHA_TAG_LENGTH = 16

type Bytes = Uint8Array | Uint8ArrayList

interface CorkableSocket {
  cork(): void
  uncork(): void
}

/** The TCP MultiaddrConnection as @libp2p/tcp builds it: a socket and a sendData hook. */
interface SocketConnection {
  socket?: Partial<CorkableSocket>
  sendData?: (data: Uint8ArrayList) => unknown
}

/** What @libp2p/noise's EncryptedMessageStream carries (noise 17). */
interface NoiseTransportStream {
  handshake?: { decrypt?: (ciphertext: Bytes, dst?: Uint8Array) => Bytes }
  decrypt?: (chunk: Bytes) => Uint8ArrayList
  metrics?: { decryptedPackets?: { increment(): void }; decryptErrors?: { increment(): void } }
}

/** Flushes everything one sendData() call writes to the socket with one writev. */
export function corkSendData(connection: unknown): boolean {
  const conn = connection as SocketConnection
  const socket = conn.socket
  const sendData = conn.sendData
  if (socket === undefined || typeof socket.cork !== 'function' || typeof socket.uncork !== 'function') {
    return false
  }
  if (typeof sendData !== 'function') return false
  const cork = socket as CorkableSocket
  conn.sendData = (data: Uint8ArrayList) => {
    cork.cork()
    try {
      return sendData.call(conn, data)
    } finally {
      cork.uncork()
    }
  }
  return true
}

/** Replaces noise's transport decrypt with one that does not copy the ciphertext first. */
export function decryptWithoutCopy(connection: unknown): boolean {
  const stream = connection as NoiseTransportStream
  const handshake = stream.handshake
  if (typeof stream.decrypt !== 'function' || typeof handshake?.decrypt !== 'function') return false
  const decrypt = handshake.decrypt.bind(handshake)
  stream.decrypt = (chunk: Bytes): Uint8ArrayList => {
    // same loop as noise's own decrypt(), less the `dst` copy
    const output = new Uint8ArrayList()
    for (let i = 0; i < chunk.byteLength; i += NOISE_MSG_MAX_LENGTH_BYTES) {
      const end = Math.min(i + NOISE_MSG_MAX_LENGTH_BYTES, chunk.byteLength)
      if (end - CHACHA_TAG_LENGTH < i) throw new Error('Invalid chunk')
      const encrypted = chunk instanceof Uint8Array ? chunk.subarray(i, end) : chunk.sublist(i, end)
      try {
        output.append(decrypt(encrypted))
        stream.metrics?.decryptedPackets?.increment()
      } catch (err) {
        stream.metrics?.decryptErrors?.increment()
        throw err
      }
    }
    return output
  }
  return true
}

/**
 * Wraps a noise connection encrypter factory: the raw connection's writes are corked per
 * send and the secured connection decrypts without the extra copy.
 */
export function tunedNoise<Components>(
  factory: (components: Components) => ConnectionEncrypter
): (components: Components) => ConnectionEncrypter {
  return (components: Components) => {
    const encrypter = factory(components)
    const secureOutbound = encrypter.secureOutbound.bind(encrypter)
    const secureInbound = encrypter.secureInbound.bind(encrypter)
    encrypter.secureOutbound = async (connection: MessageStream, options?: SecureConnectionOptions) => {
      corkSendData(connection)
      const secured = await secureOutbound(connection, options)
      decryptWithoutCopy(secured.connection)
      return secured
    }
    encrypter.secureInbound = async (connection: MessageStream, options?: SecureConnectionOptions) => {
      corkSendData(connection)
      const secured = await secureInbound(connection, options)
      decryptWithoutCopy(secured.connection)
      return secured
    }
    return encrypter
  }
}
