import type { PeerId } from '@libp2p/interface'
import { peerIdFromCID } from '@libp2p/peer-id'
import type { Helia } from 'helia'
import type { CID } from 'multiformats/cid'
import { WantType } from '../../protocols/bitswap/index.js'
import { describeError } from '../../protocols/common/errors.js'
import type { Logger } from '../../protocols/common/logger.js'
import type { BlockExchange, ExchangeClient } from './block-exchange.js'
import { DHT_MAX_PROVIDERS, PROBE_INTERVAL_MS } from './constants.js'

/**
 * Finds the providers of one fetch: asks connected peers (want-have for the root, with
 * DONT_HAVE answers) and, when none has it, looks the root up in the Rynus DHT and dials what
 * it names. A peer that answers HAVE (or sends the root) is reported through the client's
 * presence/block callbacks; this class only sends questions and dials.
 */
export class ProviderFinder {
  readonly #helia: Helia
  readonly #exchange: BlockExchange
  readonly #client: ExchangeClient
  readonly #root: CID
  readonly #signal: AbortSignal
  readonly #log: Logger
  readonly #probedAt = new Map<string, number>()
  #lookup?: Promise<void>
  #lookupEnded = 0

  constructor(
    helia: Helia,
    exchange: BlockExchange,
    client: ExchangeClient,
    root: CID,
    signal: AbortSignal,
    log: Logger
  ) {
    this.#helia = helia
    this.#exchange = exchange
    this.#client = client
    this.#root = root
    this.#signal = signal
    this.#log = log
  }

  /** Asks every connected peer not asked within PROBE_INTERVAL_MS whether it holds the root. */
  probeConnected(): void {
    for (const peer of this.#exchange.libp2p.getPeers()) this.probe(peer)
  }

  probe(peer: PeerId, force = false): void {
    if (this.#signal.aborted || this.#exchange.isBanned(peer)) return
    const id = peer.toString()
    const now = Date.now()
    if (!force && now - (this.#probedAt.get(id) ?? 0) < PROBE_INTERVAL_MS) return
    this.#probedAt.set(id, now)
    this.#exchange.asked(this.#client, peer, this.#root)
    this.#exchange.wire
      .sendWants(peer, [{ cid: this.#root, wantType: WantType.WantHave }])
      .catch((err: unknown) => {
        // peers that do not speak bitswap (a bare super-peer) land here
        this.#log.debug('could not ask a peer for the root', { peer: id, error: describeError(err) })
      })
  }

  /** Starts a DHT lookup for the root unless one runs or one ended within PROBE_INTERVAL_MS. */
  lookUp(): void {
    if (this.#lookup !== undefined || Date.now() - this.#lookupEnded < PROBE_INTERVAL_MS) return
    this.#lookup = this.#findAndDial()
      .catch((err: unknown) => {
        if (!this.#signal.aborted)
          this.#log.debug('DHT provider lookup failed', { error: describeError(err) })
      })
      .finally(() => {
        this.#lookup = undefined
        this.#lookupEnded = Date.now()
      })
  }

  async #findAndDial(): Promise<void> {
    let found = 0
    const self = this.#exchange.libp2p.peerId
    for await (const provider of this.#helia.routing.findProviders(this.#root, { signal: this.#signal })) {
      const peer = peerIdFromCID(provider.id)
      if (peer.equals(self) || this.#exchange.isBanned(peer)) continue
      try {
        if (provider.multiaddrs.length > 0) {
          await this.#exchange.libp2p.peerStore.merge(peer, { multiaddrs: provider.multiaddrs })
        }
        await this.#exchange.libp2p.dial(peer, { signal: this.#signal })
        this.probe(peer, true)
      } catch (err) {
        this.#log.debug('could not dial a provider found in the DHT', {
          peer: peer.toString(),
          error: describeError(err)
        })
      }
      if (++found >= DHT_MAX_PROVIDERS) break
    }
  }
}
