import { decodeMessage, encodeMessage, MaxLengthError, message, streamMessage } from 'protons-runtime'
import { alloc as uint8ArrayAlloc } from 'uint8arrays/alloc'
import type { Codec, DecodeOptions } from 'protons-runtime'
import type { Uint8ArrayList } from 'uint8arraylist'

export interface MarketRequest {
  bid?: Uint8Array<ArrayBuffer>
  award?: Uint8Array<ArrayBuffer>
}

export namespace MarketRequest {
  let _codec: Codec<MarketRequest>

  export const codec = (): Codec<MarketRequest> => {
    if (_codec == null) {
      _codec = message<MarketRequest>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if (obj.bid != null) {
          w.uint32(10)
          w.bytes(obj.bid)
        }

        if (obj.award != null) {
          w.uint32(18)
          w.bytes(obj.award)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {}

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.bid = reader.bytes()
              break
            }
            case 2: {
              obj.award = reader.bytes()
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }

        return obj
      }, function * (reader, length, prefix, opts = {}) {
        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              yield {
                field: `${prefix}.bid`,
                value: reader.bytes()
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.award`,
                value: reader.bytes()
              }
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }
      })
    }

    return _codec
  }

  export interface MarketRequestBidFieldEvent {
    field: '$.bid'
    value: Uint8Array<ArrayBuffer>
  }

  export interface MarketRequestAwardFieldEvent {
    field: '$.award'
    value: Uint8Array<ArrayBuffer>
  }

  export function encode (obj: Partial<MarketRequest>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, MarketRequest.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<MarketRequest>): MarketRequest {
    return decodeMessage(buf, MarketRequest.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<MarketRequest>): Generator<MarketRequestBidFieldEvent | MarketRequestAwardFieldEvent> {
    return streamMessage(buf, MarketRequest.codec(), opts)
  }
}

export interface Bid {
  jobId: string
  pricePerUnit: string
  etaSecondsPerUnit: number
  gpuModel: string
  vramBytes: number
  freeSlots: number
  tier: string
  createdAt: number
  publicKey: Uint8Array<ArrayBuffer>
  signature: Uint8Array<ArrayBuffer>
}

export namespace Bid {
  let _codec: Codec<Bid>

  export const codec = (): Codec<Bid> => {
    if (_codec == null) {
      _codec = message<Bid>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.jobId != null && obj.jobId !== '')) {
          w.uint32(10)
          w.string(obj.jobId)
        }

        if ((obj.pricePerUnit != null && obj.pricePerUnit !== '')) {
          w.uint32(18)
          w.string(obj.pricePerUnit)
        }

        if ((obj.etaSecondsPerUnit != null && obj.etaSecondsPerUnit !== 0)) {
          w.uint32(25)
          w.double(obj.etaSecondsPerUnit)
        }

        if ((obj.gpuModel != null && obj.gpuModel !== '')) {
          w.uint32(34)
          w.string(obj.gpuModel)
        }

        if ((obj.vramBytes != null && obj.vramBytes !== 0)) {
          w.uint32(40)
          w.uint64Number(obj.vramBytes)
        }

        if ((obj.freeSlots != null && obj.freeSlots !== 0)) {
          w.uint32(48)
          w.uint32(obj.freeSlots)
        }

        if ((obj.tier != null && obj.tier !== '')) {
          w.uint32(58)
          w.string(obj.tier)
        }

        if ((obj.createdAt != null && obj.createdAt !== 0)) {
          w.uint32(64)
          w.uint64Number(obj.createdAt)
        }

        if ((obj.publicKey != null && obj.publicKey.byteLength > 0)) {
          w.uint32(114)
          w.bytes(obj.publicKey)
        }

        if ((obj.signature != null && obj.signature.byteLength > 0)) {
          w.uint32(122)
          w.bytes(obj.signature)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          jobId: '',
          pricePerUnit: '',
          etaSecondsPerUnit: 0,
          gpuModel: '',
          vramBytes: 0,
          freeSlots: 0,
          tier: '',
          createdAt: 0,
          publicKey: uint8ArrayAlloc(0),
          signature: uint8ArrayAlloc(0)
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.jobId = reader.string()
              break
            }
            case 2: {
              obj.pricePerUnit = reader.string()
              break
            }
            case 3: {
              obj.etaSecondsPerUnit = reader.double()
              break
            }
            case 4: {
              obj.gpuModel = reader.string()
              break
            }
            case 5: {
              obj.vramBytes = reader.uint64Number()
              break
            }
            case 6: {
              obj.freeSlots = reader.uint32()
              break
            }
            case 7: {
              obj.tier = reader.string()
              break
            }
            case 8: {
              obj.createdAt = reader.uint64Number()
              break
            }
            case 14: {
              obj.publicKey = reader.bytes()
              break
            }
            case 15: {
              obj.signature = reader.bytes()
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }

        return obj
      }, function * (reader, length, prefix, opts = {}) {
        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              yield {
                field: `${prefix}.jobId`,
                value: reader.string()
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.pricePerUnit`,
                value: reader.string()
              }
              break
            }
            case 3: {
              yield {
                field: `${prefix}.etaSecondsPerUnit`,
                value: reader.double()
              }
              break
            }
            case 4: {
              yield {
                field: `${prefix}.gpuModel`,
                value: reader.string()
              }
              break
            }
            case 5: {
              yield {
                field: `${prefix}.vramBytes`,
                value: reader.uint64Number()
              }
              break
            }
            case 6: {
              yield {
                field: `${prefix}.freeSlots`,
                value: reader.uint32()
              }
              break
            }
            case 7: {
              yield {
                field: `${prefix}.tier`,
                value: reader.string()
              }
              break
            }
            case 8: {
              yield {
                field: `${prefix}.createdAt`,
                value: reader.uint64Number()
              }
              break
            }
            case 14: {
              yield {
                field: `${prefix}.publicKey`,
                value: reader.bytes()
              }
              break
            }
            case 15: {
              yield {
                field: `${prefix}.signature`,
                value: reader.bytes()
              }
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }
      })
    }

    return _codec
  }

  export interface BidJobIdFieldEvent {
    field: '$.jobId'
    value: string
  }

  export interface BidPricePerUnitFieldEvent {
    field: '$.pricePerUnit'
    value: string
  }

  export interface BidEtaSecondsPerUnitFieldEvent {
    field: '$.etaSecondsPerUnit'
    value: number
  }

  export interface BidGpuModelFieldEvent {
    field: '$.gpuModel'
    value: string
  }

  export interface BidVramBytesFieldEvent {
    field: '$.vramBytes'
    value: number
  }

  export interface BidFreeSlotsFieldEvent {
    field: '$.freeSlots'
    value: number
  }

  export interface BidTierFieldEvent {
    field: '$.tier'
    value: string
  }

  export interface BidCreatedAtFieldEvent {
    field: '$.createdAt'
    value: number
  }

  export interface BidPublicKeyFieldEvent {
    field: '$.publicKey'
    value: Uint8Array<ArrayBuffer>
  }

  export interface BidSignatureFieldEvent {
    field: '$.signature'
    value: Uint8Array<ArrayBuffer>
  }

  export function encode (obj: Partial<Bid>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, Bid.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Bid>): Bid {
    return decodeMessage(buf, Bid.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Bid>): Generator<BidJobIdFieldEvent | BidPricePerUnitFieldEvent | BidEtaSecondsPerUnitFieldEvent | BidGpuModelFieldEvent | BidVramBytesFieldEvent | BidFreeSlotsFieldEvent | BidTierFieldEvent | BidCreatedAtFieldEvent | BidPublicKeyFieldEvent | BidSignatureFieldEvent> {
    return streamMessage(buf, Bid.codec(), opts)
  }
}

export interface BidAck {
  accepted: boolean
  reason: string
}

export namespace BidAck {
  let _codec: Codec<BidAck>

  export const codec = (): Codec<BidAck> => {
    if (_codec == null) {
      _codec = message<BidAck>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.accepted != null && obj.accepted !== false)) {
          w.uint32(8)
          w.bool(obj.accepted)
        }

        if ((obj.reason != null && obj.reason !== '')) {
          w.uint32(18)
          w.string(obj.reason)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          accepted: false,
          reason: ''
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.accepted = reader.bool()
              break
            }
            case 2: {
              obj.reason = reader.string()
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }

        return obj
      }, function * (reader, length, prefix, opts = {}) {
        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              yield {
                field: `${prefix}.accepted`,
                value: reader.bool()
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.reason`,
                value: reader.string()
              }
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }
      })
    }

    return _codec
  }

  export interface BidAckAcceptedFieldEvent {
    field: '$.accepted'
    value: boolean
  }

  export interface BidAckReasonFieldEvent {
    field: '$.reason'
    value: string
  }

  export function encode (obj: Partial<BidAck>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, BidAck.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<BidAck>): BidAck {
    return decodeMessage(buf, BidAck.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<BidAck>): Generator<BidAckAcceptedFieldEvent | BidAckReasonFieldEvent> {
    return streamMessage(buf, BidAck.codec(), opts)
  }
}

export interface Award {
  jobId: string
  taskId: string
  frames: number[]
  pricePerUnit: string
  deadline: number
  chainTaskId: string
  createdAt: number
  publicKey: Uint8Array<ArrayBuffer>
  signature: Uint8Array<ArrayBuffer>
}

export namespace Award {
  let _codec: Codec<Award>

  export const codec = (): Codec<Award> => {
    if (_codec == null) {
      _codec = message<Award>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.jobId != null && obj.jobId !== '')) {
          w.uint32(10)
          w.string(obj.jobId)
        }

        if ((obj.taskId != null && obj.taskId !== '')) {
          w.uint32(18)
          w.string(obj.taskId)
        }

        if (obj.frames != null && obj.frames.length > 0) {
          for (const value of obj.frames) {
            w.uint32(24)
            w.uint32(value)
          }
        }

        if ((obj.pricePerUnit != null && obj.pricePerUnit !== '')) {
          w.uint32(34)
          w.string(obj.pricePerUnit)
        }

        if ((obj.deadline != null && obj.deadline !== 0)) {
          w.uint32(40)
          w.uint64Number(obj.deadline)
        }

        if ((obj.chainTaskId != null && obj.chainTaskId !== '')) {
          w.uint32(50)
          w.string(obj.chainTaskId)
        }

        if ((obj.createdAt != null && obj.createdAt !== 0)) {
          w.uint32(56)
          w.uint64Number(obj.createdAt)
        }

        if ((obj.publicKey != null && obj.publicKey.byteLength > 0)) {
          w.uint32(114)
          w.bytes(obj.publicKey)
        }

        if ((obj.signature != null && obj.signature.byteLength > 0)) {
          w.uint32(122)
          w.bytes(obj.signature)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          jobId: '',
          taskId: '',
          frames: [],
          pricePerUnit: '',
          deadline: 0,
          chainTaskId: '',
          createdAt: 0,
          publicKey: uint8ArrayAlloc(0),
          signature: uint8ArrayAlloc(0)
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.jobId = reader.string()
              break
            }
            case 2: {
              obj.taskId = reader.string()
              break
            }
            case 3: {
              if (opts.limits?.frames != null && obj.frames.length === opts.limits.frames) {
                throw new MaxLengthError('Decode error - repeated field "frames" had too many elements')
              }

              obj.frames.push(reader.uint32())
              break
            }
            case 4: {
              obj.pricePerUnit = reader.string()
              break
            }
            case 5: {
              obj.deadline = reader.uint64Number()
              break
            }
            case 6: {
              obj.chainTaskId = reader.string()
              break
            }
            case 7: {
              obj.createdAt = reader.uint64Number()
              break
            }
            case 14: {
              obj.publicKey = reader.bytes()
              break
            }
            case 15: {
              obj.signature = reader.bytes()
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }

        return obj
      }, function * (reader, length, prefix, opts = {}) {
        const obj = {
          frames: 0
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              yield {
                field: `${prefix}.jobId`,
                value: reader.string()
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.taskId`,
                value: reader.string()
              }
              break
            }
            case 3: {
              if (opts.limits?.frames != null && obj.frames === opts.limits.frames) {
                throw new MaxLengthError('Streaming decode error - repeated field "frames" had too many elements')
              }

              yield {
                field: `${prefix}.frames[]`,
                index: obj.frames,
                value: reader.uint32()
              }

              obj.frames++

              break
            }
            case 4: {
              yield {
                field: `${prefix}.pricePerUnit`,
                value: reader.string()
              }
              break
            }
            case 5: {
              yield {
                field: `${prefix}.deadline`,
                value: reader.uint64Number()
              }
              break
            }
            case 6: {
              yield {
                field: `${prefix}.chainTaskId`,
                value: reader.string()
              }
              break
            }
            case 7: {
              yield {
                field: `${prefix}.createdAt`,
                value: reader.uint64Number()
              }
              break
            }
            case 14: {
              yield {
                field: `${prefix}.publicKey`,
                value: reader.bytes()
              }
              break
            }
            case 15: {
              yield {
                field: `${prefix}.signature`,
                value: reader.bytes()
              }
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }
      })
    }

    return _codec
  }

  export interface AwardJobIdFieldEvent {
    field: '$.jobId'
    value: string
  }

  export interface AwardTaskIdFieldEvent {
    field: '$.taskId'
    value: string
  }

  export interface AwardFramesFieldEvent {
    field: '$.frames[]'
    index: number
    value: number
  }

  export interface AwardPricePerUnitFieldEvent {
    field: '$.pricePerUnit'
    value: string
  }

  export interface AwardDeadlineFieldEvent {
    field: '$.deadline'
    value: number
  }

  export interface AwardChainTaskIdFieldEvent {
    field: '$.chainTaskId'
    value: string
  }

  export interface AwardCreatedAtFieldEvent {
    field: '$.createdAt'
    value: number
  }

  export interface AwardPublicKeyFieldEvent {
    field: '$.publicKey'
    value: Uint8Array<ArrayBuffer>
  }

  export interface AwardSignatureFieldEvent {
    field: '$.signature'
    value: Uint8Array<ArrayBuffer>
  }

  export function encode (obj: Partial<Award>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, Award.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Award>): Award {
    return decodeMessage(buf, Award.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Award>): Generator<AwardJobIdFieldEvent | AwardTaskIdFieldEvent | AwardFramesFieldEvent | AwardPricePerUnitFieldEvent | AwardDeadlineFieldEvent | AwardChainTaskIdFieldEvent | AwardCreatedAtFieldEvent | AwardPublicKeyFieldEvent | AwardSignatureFieldEvent> {
    return streamMessage(buf, Award.codec(), opts)
  }
}

export interface AwardReply {
  accepted: boolean
  reason: string
}

export namespace AwardReply {
  let _codec: Codec<AwardReply>

  export const codec = (): Codec<AwardReply> => {
    if (_codec == null) {
      _codec = message<AwardReply>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.accepted != null && obj.accepted !== false)) {
          w.uint32(8)
          w.bool(obj.accepted)
        }

        if ((obj.reason != null && obj.reason !== '')) {
          w.uint32(18)
          w.string(obj.reason)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          accepted: false,
          reason: ''
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.accepted = reader.bool()
              break
            }
            case 2: {
              obj.reason = reader.string()
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }

        return obj
      }, function * (reader, length, prefix, opts = {}) {
        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              yield {
                field: `${prefix}.accepted`,
                value: reader.bool()
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.reason`,
                value: reader.string()
              }
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }
      })
    }

    return _codec
  }

  export interface AwardReplyAcceptedFieldEvent {
    field: '$.accepted'
    value: boolean
  }

  export interface AwardReplyReasonFieldEvent {
    field: '$.reason'
    value: string
  }

  export function encode (obj: Partial<AwardReply>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, AwardReply.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<AwardReply>): AwardReply {
    return decodeMessage(buf, AwardReply.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<AwardReply>): Generator<AwardReplyAcceptedFieldEvent | AwardReplyReasonFieldEvent> {
    return streamMessage(buf, AwardReply.codec(), opts)
  }
}
