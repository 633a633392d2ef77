import type { PeerId, PrivateKey } from '@libp2p/interface'
import { decodeAmount, encodeAmount } from './amount.js'
import {
  AWARD_SIGNING_DOMAIN,
  BID_SIGNING_DOMAIN,
  MAX_AWARD_DEADLINE_MS,
  MAX_AWARD_FRAMES,
  MAX_BID_AGE_MS,
  MAX_CLOCK_SKEW_MS,
  MAX_ETA_SECONDS_PER_UNIT,
  MAX_FRAME_NUMBER,
  MAX_FREE_SLOTS,
  MAX_GPU_MODEL_LENGTH,
  MAX_MARKET_MESSAGE_BYTES,
  MAX_REASON_LENGTH,
  MAX_VRAM_BYTES,
  TIERS
} from './constants.js'
import { MarketMessageError } from './errors.js'
import {
  checkCid,
  checkInteger,
  checkOneOf,
  checkTaskId,
  checkText,
  decodeWith,
  type Fail
} from './fields.js'
import { Award as AwardPb, Bid as BidPb, MarketRequest, AwardReply as ReplyPb } from './pb/market.js'
import { appendSignature, publicKeyBytes, verifySignature } from './signing.js'

export type Tier = (typeof TIERS)[number]

/** worker → requester: what the worker asks and what it would run the job on. */
export interface Bid {
  jobId: string
  /** token base units per unit (frame) */
  pricePerUnit: bigint
  etaSecondsPerUnit: number
  /** exact GPU model; empty for CPU rendering */
  gpuModel: string
  vramBytes: number
  freeSlots: number
  tier: Tier
  /** ms since the epoch */
  createdAt: number
}

/** requester → worker: a task (some frames of the job) at a price. */
export interface Award {
  jobId: string
  taskId: string
  frames: number[]
  pricePerUnit: bigint
  /** ms since the epoch by which the result must be in */
  deadline: number
  /** the task's id in the market contract; 0n = none */
  chainTaskId: bigint
  createdAt: number
}

/** The answer to a bid (BidAck) or an award (AwardReply). */
export interface MarketReply {
  accepted: boolean
  reason: string
}

/** A decoded, checked request with its signer and the exact signed bytes (evidence). */
export interface Signed<T> {
  value: T
  signer: PeerId
  bytes: Uint8Array
}

const fail: Fail = (problem) => new MarketMessageError(problem)

function checkSize(bytes: Uint8Array, what: string): void {
  if (bytes.byteLength > MAX_MARKET_MESSAGE_BYTES) {
    throw new MarketMessageError(`${what} of ${bytes.byteLength} bytes exceeds ${MAX_MARKET_MESSAGE_BYTES}`)
  }
}

function checkCreatedAt(createdAt: number, what: string, now: number): void {
  if (createdAt > now + MAX_CLOCK_SKEW_MS) throw fail(`${what} is dated in the future; check the clocks`)
  if (createdAt < now - MAX_BID_AGE_MS) throw fail(`${what} is older than ${MAX_BID_AGE_MS / 1000} s`)
}

/** Shape checks of a bid (not its age). Throws MarketMessageError. */
export function validateBid(bid: Bid): void {
  checkCid(bid.jobId, 'bid jobId', fail)
  encodeAmount(bid.pricePerUnit, 'bid pricePerUnit')
  const eta = bid.etaSecondsPerUnit
  if (!Number.isFinite(eta) || eta <= 0 || eta > MAX_ETA_SECONDS_PER_UNIT) {
    throw fail(`bid etaSecondsPerUnit must be above 0 and at most ${MAX_ETA_SECONDS_PER_UNIT}`)
  }
  checkText(bid.gpuModel, MAX_GPU_MODEL_LENGTH, 'bid gpuModel', fail)
  checkInteger(bid.vramBytes, 0, MAX_VRAM_BYTES, 'bid vramBytes', fail)
  checkInteger(bid.freeSlots, 0, MAX_FREE_SLOTS, 'bid freeSlots', fail)
  checkOneOf(bid.tier, TIERS, 'bid tier', fail)
  checkInteger(bid.createdAt, 1, Number.MAX_SAFE_INTEGER, 'bid createdAt', fail)
}

/** Shape checks of an award (not its age or deadline). Throws MarketMessageError. */
export function validateAward(award: Award): void {
  checkCid(award.jobId, 'award jobId', fail)
  checkTaskId(award.taskId, 'award taskId', fail)
  if (award.frames.length === 0 || award.frames.length > MAX_AWARD_FRAMES) {
    throw fail(`award must list 1 to ${MAX_AWARD_FRAMES} frames`)
  }
  for (const frame of award.frames) checkInteger(frame, 0, MAX_FRAME_NUMBER, 'award frame', fail)
  if (new Set(award.frames).size !== award.frames.length) throw fail('award lists a frame twice')
  encodeAmount(award.pricePerUnit, 'award pricePerUnit')
  encodeAmount(award.chainTaskId, 'award chainTaskId')
  checkInteger(award.createdAt, 1, Number.MAX_SAFE_INTEGER, 'award createdAt', fail)
  checkInteger(award.deadline, 1, Number.MAX_SAFE_INTEGER, 'award deadline', fail)
  if (award.deadline <= award.createdAt || award.deadline > award.createdAt + MAX_AWARD_DEADLINE_MS) {
    throw fail('award deadline must be after its creation and at most 7 days later')
  }
}

/** Encodes and signs a bid with the worker's key. */
export async function encodeBid(privateKey: PrivateKey, bid: Bid): Promise<Uint8Array<ArrayBuffer>> {
  validateBid(bid)
  const unsigned = BidPb.encode({
    ...bid,
    pricePerUnit: encodeAmount(bid.pricePerUnit),
    publicKey: publicKeyBytes(privateKey)
  })
  const bytes = await appendSignature(privateKey, BID_SIGNING_DOMAIN, unsigned)
  checkSize(bytes, 'bid')
  return bytes
}

/** Decodes a bid from the network: size, shape, age and signature. */
export async function decodeBid(bytes: Uint8Array, now = Date.now()): Promise<Signed<Bid>> {
  checkSize(bytes, 'bid')
  const pb = decodeWith(() => BidPb.decode(bytes), 'bid', fail)
  const bid: Bid = {
    jobId: pb.jobId,
    pricePerUnit: decodeAmount(pb.pricePerUnit, 'bid pricePerUnit'),
    etaSecondsPerUnit: pb.etaSecondsPerUnit,
    gpuModel: pb.gpuModel,
    vramBytes: pb.vramBytes,
    freeSlots: pb.freeSlots,
    tier: pb.tier as Tier,
    createdAt: pb.createdAt
  }
  validateBid(bid)
  checkCreatedAt(bid.createdAt, 'bid', now)
  const signer = await verifySignature(bytes, BID_SIGNING_DOMAIN, pb.publicKey, pb.signature, 'bid')
  return { value: bid, signer, bytes }
}

/** Encodes and signs an award with the requester's key. */
export async function encodeAward(privateKey: PrivateKey, award: Award): Promise<Uint8Array<ArrayBuffer>> {
  validateAward(award)
  const unsigned = AwardPb.encode({
    ...award,
    pricePerUnit: encodeAmount(award.pricePerUnit),
    chainTaskId: award.chainTaskId === 0n ? '' : encodeAmount(award.chainTaskId),
    publicKey: publicKeyBytes(privateKey)
  })
  const bytes = await appendSignature(privateKey, AWARD_SIGNING_DOMAIN, unsigned)
  checkSize(bytes, 'award')
  return bytes
}

/** Decodes an award from the network: size, frame count, shape, age, deadline and signature. */
export async function decodeAward(bytes: Uint8Array, now = Date.now()): Promise<Signed<Award>> {
  checkSize(bytes, 'award')
  const pb = decodeWith(() => AwardPb.decode(bytes, { limits: { frames: MAX_AWARD_FRAMES } }), 'award', fail)
  const award: Award = {
    jobId: pb.jobId,
    taskId: pb.taskId,
    frames: pb.frames,
    pricePerUnit: decodeAmount(pb.pricePerUnit, 'award pricePerUnit'),
    deadline: pb.deadline,
    chainTaskId: decodeAmount(pb.chainTaskId, 'award chainTaskId', true),
    createdAt: pb.createdAt
  }
  validateAward(award)
  checkCreatedAt(award.createdAt, 'award', now)
  if (award.deadline <= now) throw fail('award deadline has already passed')
  const signer = await verifySignature(bytes, AWARD_SIGNING_DOMAIN, pb.publicKey, pb.signature, 'award')
  return { value: award, signer, bytes }
}

export type MarketRequestBody =
  | { kind: 'bid'; bytes: Uint8Array<ArrayBuffer> }
  | { kind: 'award'; bytes: Uint8Array<ArrayBuffer> }

export function encodeMarketRequest(body: MarketRequestBody): Uint8Array {
  return MarketRequest.encode(body.kind === 'bid' ? { bid: body.bytes } : { award: body.bytes })
}

/** Unwraps a request: exactly one of bid or award. */
export function decodeMarketRequest(bytes: Uint8Array): MarketRequestBody {
  checkSize(bytes, 'market request')
  const pb = decodeWith(() => MarketRequest.decode(bytes), 'market request', fail)
  if (pb.bid !== undefined && pb.award === undefined) return { kind: 'bid', bytes: pb.bid }
  if (pb.award !== undefined && pb.bid === undefined) return { kind: 'award', bytes: pb.award }
  throw fail('market request must carry exactly one of bid or award')
}

/** BidAck and AwardReply share one shape on the wire. */
export function encodeReply(reply: MarketReply): Uint8Array {
  return ReplyPb.encode({ accepted: reply.accepted, reason: reply.reason.slice(0, MAX_REASON_LENGTH) })
}

export function decodeReply(bytes: Uint8Array): MarketReply {
  checkSize(bytes, 'market reply')
  const pb = decodeWith(() => ReplyPb.decode(bytes), 'market reply', fail)
  checkText(pb.reason, MAX_REASON_LENGTH, 'reply reason', fail)
  return { accepted: pb.accepted, reason: pb.reason }
}
