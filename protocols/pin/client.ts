import type { Libp2p, PeerId } from '@libp2p/interface'
import { type StreamDialer, sendRequest } from '../market/request-stream.js'
import { decodePinAnswer, encodePinRequest, type PinAnswer } from './codec.js'
import { MAX_PIN_MESSAGE_BYTES, PIN_PROTOCOL, PIN_REQUEST_TIMEOUT_MS } from './constants.js'
import { PinRefusedError } from './errors.js'

export interface RequestPinOptions {
  /** Dial, request and answer together (default: a whole fetch on the super-peer and a margin). */
  timeoutMs?: number
  signal?: AbortSignal
}

/**
 * Asks `peer` (a super-peer) to keep `cid` for `durationMs`, or with `release` to drop this
 * node's pin of it. Resolves with the answer, accepted or refused; throws only when the peer
 * could not be asked (ERR_PEER_REQUEST) or answered nonsense (ERR_PIN_MESSAGE).
 */
export async function requestPin(
  libp2p: StreamDialer,
  peer: PeerId | string,
  request: { cid: string; durationMs: number; release?: boolean },
  opts: RequestPinOptions = {}
): Promise<PinAnswer> {
  const bytes = encodePinRequest({ release: false, ...request })
  const reply = await sendRequest(libp2p, peer, PIN_PROTOCOL, bytes, {
    maxReplyBytes: MAX_PIN_MESSAGE_BYTES,
    timeoutMs: opts.timeoutMs ?? PIN_REQUEST_TIMEOUT_MS,
    signal: opts.signal
  })
  return decodePinAnswer(reply)
}

/** Throws the refusal as a PinRefusedError (its code is the answer's); returns an accepted answer. */
export function assertPinned(answer: PinAnswer, peer: PeerId | string): PinAnswer {
  if (!answer.accepted) throw new PinRefusedError(answer.code, `super-peer ${peer} refused: ${answer.reason}`)
  return answer
}

/**
 * Connected peers that serve `/rynus/pin/1.0.0` (super-peers with pinning on), as identify
 * reported their protocols.
 */
export async function connectedPinServers(
  libp2p: Pick<Libp2p, 'getConnections' | 'peerStore'>
): Promise<PeerId[]> {
  const peers = new Map<string, PeerId>()
  for (const conn of libp2p.getConnections()) peers.set(conn.remotePeer.toString(), conn.remotePeer)
  const out: PeerId[] = []
  for (const peer of peers.values()) {
    try {
      if ((await libp2p.peerStore.get(peer)).protocols.includes(PIN_PROTOCOL)) out.push(peer)
    } catch {
      // not in the peer store yet (identify has not finished)
    }
  }
  return out
}
