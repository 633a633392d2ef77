import type { GossipSub, Message } from '@libp2p/gossipsub'
import { TopicValidatorResult } from '@libp2p/gossipsub'
import type { PeerId } from '@libp2p/interface'
import { describeError, isRynusError } from '../common/errors.js'
import type { Logger } from '../common/logger.js'
import { encodeOffer, type JobOffer } from './codec.js'
import { OFFERS_TOPIC } from './constants.js'
import { OfferValidator, type OfferValidatorOptions, verdictOf } from './validator.js'

/** Called for every valid offer from another node; `from` is the requester's peer id. */
export type OfferListener = (offer: JobOffer, from: string) => void

export interface OfferStats {
  accepted: number
  /** by error code */
  rejected: Record<string, number>
  ignored: Record<string, number>
}

export type OfferBoardOptions = OfferValidatorOptions

export interface OfferBoardComponents {
  libp2p: { services: { pubsub: GossipSub } }
  logger: Logger
}

/**
 * The job-offer board on gossip topic `rynus/offers/1`. It subscribes, validates every
 * message before gossipsub delivers or forwards it (invalid → REJECT, stale/duplicate/over
 * rate → IGNORE), and hands only accepted offers to `onOffer` listeners.
 */
export class OfferBoard {
  private readonly opts: OfferBoardOptions
  private readonly pubsub: GossipSub
  private readonly log: Logger
  private validator?: OfferValidator
  private readonly listeners = new Set<OfferListener>()
  /** messages the validator accepted, with their offer: the only ones listeners see */
  private accepted = new WeakMap<Message, JobOffer>()
  private readonly counts: OfferStats = { accepted: 0, rejected: {}, ignored: {} }

  constructor(opts: OfferBoardOptions, components: OfferBoardComponents) {
    this.opts = opts
    this.pubsub = components.libp2p.services.pubsub
    this.log = components.logger
  }

  start(): void {
    this.validator = new OfferValidator(this.opts)
    this.accepted = new WeakMap()
    this.pubsub.topicValidators.set(OFFERS_TOPIC, this.validate)
    this.pubsub.addEventListener('message', this.deliver)
    this.pubsub.subscribe(OFFERS_TOPIC)
  }

  stop(): void {
    this.pubsub.unsubscribe(OFFERS_TOPIC)
    this.pubsub.removeEventListener('message', this.deliver)
    if (this.pubsub.topicValidators.get(OFFERS_TOPIC) === this.validate) {
      this.pubsub.topicValidators.delete(OFFERS_TOPIC)
    }
    this.validator = undefined
  }

  /** Gossips an offer (checked first); resolves with how many peers it was sent to. */
  async publish(offer: JobOffer): Promise<number> {
    const result = await this.pubsub.publish(OFFERS_TOPIC, encodeOffer(offer))
    return result.recipients.length
  }

  /** Adds a listener for valid offers; returns a function that removes it. */
  onOffer(listener: OfferListener): () => void {
    this.listeners.add(listener)
    return () => this.listeners.delete(listener)
  }

  /** How many offers were accepted, rejected and ignored (by code) since start. */
  stats(): OfferStats {
    return {
      accepted: this.counts.accepted,
      rejected: { ...this.counts.rejected },
      ignored: { ...this.counts.ignored }
    }
  }

  private readonly validate = (source: PeerId, msg: Message): TopicValidatorResult => {
    if (this.validator === undefined) return TopicValidatorResult.Ignore
    try {
      this.accepted.set(msg, this.validator.check(msg))
      this.counts.accepted++
      return TopicValidatorResult.Accept
    } catch (err) {
      const verdict = verdictOf(err)
      const code = isRynusError(err) ? err.code : 'ERR_UNEXPECTED'
      const bucket = verdict === TopicValidatorResult.Reject ? this.counts.rejected : this.counts.ignored
      bucket[code] = (bucket[code] ?? 0) + 1
      this.log.debug('offer not accepted', {
        verdict,
        code,
        source: source.toString(),
        error: describeError(err)
      })
      return verdict
    }
  }

  private readonly deliver = (evt: CustomEvent<Message>): void => {
    if (evt.detail.topic !== OFFERS_TOPIC || evt.detail.type !== 'signed') return
    const offer = this.accepted.get(evt.detail)
    if (offer === undefined) return
    this.accepted.delete(evt.detail)
    const from = evt.detail.from.toString()
    for (const listener of this.listeners) {
      try {
        listener(offer, from)
      } catch (err) {
        this.log.warn('offer listener failed', { error: describeError(err) })
      }
    }
  }
}
