import { circuitRelayTransport } from '@libp2p/circuit-relay-v2'
import type { PeerInfo } from '@libp2p/interface'

/** Least time between two random peers handed to the relay client's search for a relay. */
export const RELAY_WALK_INTERVAL_MS = 1_000

type TransportFactory = ReturnType<typeof circuitRelayTransport>
type TransportComponents = Parameters<TransportFactory>[0]
type RandomWalk = TransportComponents['randomWalk']

/** Waits `ms`, or rejects when `signal` aborts. */
function pause(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted === true) {
      reject(signal.reason)
      return
    }
    const onAbort = (): void => {
      clearTimeout(timer)
      reject(signal?.reason)
    }
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort)
      resolve()
    }, ms)
    signal?.addEventListener('abort', onAbort, { once: true })
  })
}

/** A random walk that hands out at most one peer per `intervalMs`. */
export function pacedRandomWalk(inner: RandomWalk, intervalMs = RELAY_WALK_INTERVAL_MS): RandomWalk {
  return {
    async *walk(options?: Parameters<RandomWalk['walk']>[0]): AsyncGenerator<PeerInfo> {
      for await (const peer of inner.walk(options)) {
        yield peer
        await pause(intervalMs, options?.signal)
      }
    }
  }
}

/**
 * The circuit relay client transport, with its search for relays paced. While it holds no
 * reservation, the relay client walks the DHT for peers that may be relays and skips every
 * peer it is already connected to; on a small network without a relay every answer is such a
 * peer, so the walk spun without pause (two idle connected nodes used more than a whole core
 * between them). One candidate a second still finds a relay that joins later.
 */
export function pacedCircuitRelayTransport(
  init: Parameters<typeof circuitRelayTransport>[0]
): TransportFactory {
  const factory = circuitRelayTransport(init)
  return (components: TransportComponents) => {
    const paced = pacedRandomWalk(components.randomWalk)
    return factory(
      new Proxy(components, {
        get: (target, key, receiver) => (key === 'randomWalk' ? paced : Reflect.get(target, key, receiver))
      })
    )
  }
}
