import { CAPABILITY_PATTERN, GPU_VENDORS } from '../capacity/constants.js'
import { decodeAmount, encodeAmount, MAX_AMOUNT } from '../market/amount.js'
import { MAX_VRAM_BYTES } from '../market/constants.js'
import { checkCid, checkInteger, decodeWith, type Fail } from '../market/fields.js'
import {
  GPU_MODEL_PATTERN,
  JOB_KIND_PATTERN,
  MAX_OFFER_BYTES,
  MAX_OFFER_CAPABILITIES,
  MAX_OFFER_SPEC_BYTES,
  MAX_OFFER_TTL_MS,
  MAX_OFFER_UNITS
} from './constants.js'
import { OfferErrorCodes, OfferRejectError } from './errors.js'
import { JobOffer as JobOfferPb } from './pb/offers.js'

export interface OfferRequirements {
  /** capability keys a worker must provide, e.g. `render:blender-3.4:cycles-cpu` */
  capabilities: string[]
  /** minimum VRAM of one GPU; 0 = no GPU needed */
  minVramBytes: number
  /** 'nvidia' | 'amd', or '' for any */
  gpuVendor: string
  /** a normalised model (`nvidia-h100-80gb-hbm3`), or '' for any */
  gpuModel: string
}

/** A job offer as gossiped on `rynus/offers/1`; its requester is the gossip message's signer. */
export interface JobOffer {
  /** CID of the job spec */
  jobId: string
  /** 'render', 'train', or a kind a newer version added */
  kind: string
  requirements: OfferRequirements
  /** token base units per unit (frame) */
  maxPricePerUnit: bigint
  units: number
  /** ms since the epoch; a re-offer of the same job must carry a newer one */
  createdAt: number
  expiresAt: number
  /** the job's id in the market contract; 0n = none */
  chainJobId: bigint
  /** the spec block (must hash to jobId: receivers check), when it fits in the offer */
  spec?: Uint8Array
}

const fail: Fail = (problem) => new OfferRejectError(problem, OfferErrorCodes.invalid)

/** Checks everything about an offer that does not depend on the clock. Throws OfferRejectError. */
export function validateOffer(offer: JobOffer): void {
  checkCid(offer.jobId, 'offer jobId', fail)
  if (!JOB_KIND_PATTERN.test(offer.kind)) throw fail('offer kind must be a short lowercase word')
  if (offer.spec !== undefined && offer.spec.byteLength > MAX_OFFER_SPEC_BYTES) {
    throw fail(`offer spec of ${offer.spec.byteLength} bytes exceeds ${MAX_OFFER_SPEC_BYTES}`)
  }
  const req = offer.requirements
  if (req.capabilities.length > MAX_OFFER_CAPABILITIES) {
    throw fail(`offer requires more than ${MAX_OFFER_CAPABILITIES} capabilities`)
  }
  for (const key of req.capabilities) {
    if (!CAPABILITY_PATTERN.test(key)) throw fail('offer requires a malformed capability key')
  }
  checkInteger(req.minVramBytes, 0, MAX_VRAM_BYTES, 'offer minVramBytes', fail)
  if (req.gpuVendor !== '' && !(GPU_VENDORS as readonly string[]).includes(req.gpuVendor)) {
    throw fail(`offer gpuVendor must be empty or one of ${GPU_VENDORS.join(', ')}`)
  }
  if (!GPU_MODEL_PATTERN.test(req.gpuModel)) throw fail('offer gpuModel must be a normalised model name')
  if (offer.maxPricePerUnit <= 0n || offer.maxPricePerUnit > MAX_AMOUNT) {
    throw fail('offer maxPricePerUnit must be above 0 and fit uint256')
  }
  if (offer.chainJobId < 0n || offer.chainJobId > MAX_AMOUNT) throw fail('offer chainJobId must fit uint256')
  checkInteger(offer.units, 1, MAX_OFFER_UNITS, 'offer units', fail)
  checkInteger(offer.createdAt, 1, Number.MAX_SAFE_INTEGER, 'offer createdAt', fail)
  checkInteger(offer.expiresAt, 1, Number.MAX_SAFE_INTEGER, 'offer expiresAt', fail)
  if (offer.expiresAt <= offer.createdAt || offer.expiresAt - offer.createdAt > MAX_OFFER_TTL_MS) {
    throw fail(`offer must expire after its creation and within ${MAX_OFFER_TTL_MS / 60_000} minutes of it`)
  }
}

export function encodeOffer(offer: JobOffer): Uint8Array {
  validateOffer(offer)
  const bytes = JobOfferPb.encode({
    ...offer,
    maxPricePerUnit: encodeAmount(offer.maxPricePerUnit),
    chainJobId: offer.chainJobId === 0n ? '' : encodeAmount(offer.chainJobId),
    spec: offer.spec !== undefined ? new Uint8Array(offer.spec) : undefined
  })
  if (bytes.byteLength > MAX_OFFER_BYTES) {
    throw new OfferRejectError(
      `offer of ${bytes.byteLength} bytes exceeds ${MAX_OFFER_BYTES}`,
      OfferErrorCodes.tooLarge
    )
  }
  return bytes
}

/** Decodes an offer from the network with size and field limits, then checks its shape. */
export function decodeOffer(bytes: Uint8Array): JobOffer {
  if (bytes.byteLength > MAX_OFFER_BYTES) {
    throw new OfferRejectError(
      `offer of ${bytes.byteLength} bytes exceeds ${MAX_OFFER_BYTES}`,
      OfferErrorCodes.tooLarge
    )
  }
  const malformed: Fail = (problem) => new OfferRejectError(problem, OfferErrorCodes.malformed)
  const pb = decodeWith(
    () => JobOfferPb.decode(bytes, { limits: { requirements: { capabilities: MAX_OFFER_CAPABILITIES } } }),
    'offer',
    malformed
  )
  if (pb.requirements === undefined) throw malformed('offer has no requirements')
  let maxPricePerUnit: bigint
  let chainJobId: bigint
  try {
    maxPricePerUnit = decodeAmount(pb.maxPricePerUnit, 'offer maxPricePerUnit')
    chainJobId = decodeAmount(pb.chainJobId, 'offer chainJobId', true)
  } catch (err) {
    throw fail((err as Error).message)
  }
  const offer: JobOffer = {
    jobId: pb.jobId,
    kind: pb.kind,
    requirements: {
      capabilities: pb.requirements.capabilities,
      minVramBytes: pb.requirements.minVramBytes,
      gpuVendor: pb.requirements.gpuVendor,
      gpuModel: pb.requirements.gpuModel
    },
    maxPricePerUnit,
    units: pb.units,
    createdAt: pb.createdAt,
    expiresAt: pb.expiresAt,
    chainJobId,
    ...(pb.spec !== undefined ? { spec: pb.spec } : {})
  }
  validateOffer(offer)
  return offer
}
