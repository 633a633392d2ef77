import { decodeMessage, encodeMessage, message, streamMessage } from 'protons-runtime'
import type { Codec, DecodeOptions } from 'protons-runtime'
import type { Uint8ArrayList } from 'uint8arraylist'

export interface PinRequest {
  cid: string
  durationMs: number
  release: boolean
}

export namespace PinRequest {
  let _codec: Codec<PinRequest>

  export const codec = (): Codec<PinRequest> => {
    if (_codec == null) {
      _codec = message<PinRequest>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.cid != null && obj.cid !== '')) {
          w.uint32(10)
          w.string(obj.cid)
        }

        if ((obj.durationMs != null && obj.durationMs !== 0)) {
          w.uint32(16)
          w.uint64Number(obj.durationMs)
        }

        if ((obj.release != null && obj.release !== false)) {
          w.uint32(24)
          w.bool(obj.release)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          cid: '',
          durationMs: 0,
          release: false
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.cid = reader.string()
              break
            }
            case 2: {
              obj.durationMs = reader.uint64Number()
              break
            }
            case 3: {
              obj.release = reader.bool()
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
                field: `${prefix}.cid`,
                value: reader.string()
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.durationMs`,
                value: reader.uint64Number()
              }
              break
            }
            case 3: {
              yield {
                field: `${prefix}.release`,
                value: reader.bool()
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

  export interface PinRequestCidFieldEvent {
    field: '$.cid'
    value: string
  }

  export interface PinRequestDurationMsFieldEvent {
    field: '$.durationMs'
    value: number
  }

  export interface PinRequestReleaseFieldEvent {
    field: '$.release'
    value: boolean
  }

  export function encode (obj: Partial<PinRequest>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, PinRequest.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<PinRequest>): PinRequest {
    return decodeMessage(buf, PinRequest.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<PinRequest>): Generator<PinRequestCidFieldEvent | PinRequestDurationMsFieldEvent | PinRequestReleaseFieldEvent> {
    return streamMessage(buf, PinRequest.codec(), opts)
  }
}

export interface PinResponse {
  accepted: boolean
  code: string
  reason: string
  expiresAt: number
  bytes: number
  blocks: number
}

export namespace PinResponse {
  let _codec: Codec<PinResponse>

  export const codec = (): Codec<PinResponse> => {
    if (_codec == null) {
      _codec = message<PinResponse>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.accepted != null && obj.accepted !== false)) {
          w.uint32(8)
          w.bool(obj.accepted)
        }

        if ((obj.code != null && obj.code !== '')) {
          w.uint32(18)
          w.string(obj.code)
        }

        if ((obj.reason != null && obj.reason !== '')) {
          w.uint32(26)
          w.string(obj.reason)
        }

        if ((obj.expiresAt != null && obj.expiresAt !== 0)) {
          w.uint32(32)
          w.uint64Number(obj.expiresAt)
        }

        if ((obj.bytes != null && obj.bytes !== 0)) {
          w.uint32(40)
          w.uint64Number(obj.bytes)
        }

        if ((obj.blocks != null && obj.blocks !== 0)) {
          w.uint32(48)
          w.uint32(obj.blocks)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          accepted: false,
          code: '',
          reason: '',
          expiresAt: 0,
          bytes: 0,
          blocks: 0
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
              obj.code = reader.string()
              break
            }
            case 3: {
              obj.reason = reader.string()
              break
            }
            case 4: {
              obj.expiresAt = reader.uint64Number()
              break
            }
            case 5: {
              obj.bytes = reader.uint64Number()
              break
            }
            case 6: {
              obj.blocks = reader.uint32()
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
                field: `${prefix}.code`,
                value: reader.string()
              }
              break
            }
            case 3: {
              yield {
                field: `${prefix}.reason`,
                value: reader.string()
              }
              break
            }
            case 4: {
              yield {
                field: `${prefix}.expiresAt`,
                value: reader.uint64Number()
              }
              break
            }
            case 5: {
              yield {
                field: `${prefix}.bytes`,
                value: reader.uint64Number()
              }
              break
            }
            case 6: {
              yield {
                field: `${prefix}.blocks`,
                value: reader.uint32()
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

  export interface PinResponseAcceptedFieldEvent {
    field: '$.accepted'
    value: boolean
  }

  export interface PinResponseCodeFieldEvent {
    field: '$.code'
    value: string
  }

  export interface PinResponseReasonFieldEvent {
    field: '$.reason'
    value: string
  }

  export interface PinResponseExpiresAtFieldEvent {
    field: '$.expiresAt'
    value: number
  }

  export interface PinResponseBytesFieldEvent {
    field: '$.bytes'
    value: number
  }

  export interface PinResponseBlocksFieldEvent {
    field: '$.blocks'
    value: number
  }

  export function encode (obj: Partial<PinResponse>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, PinResponse.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<PinResponse>): PinResponse {
    return decodeMessage(buf, PinResponse.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<PinResponse>): Generator<PinResponseAcceptedFieldEvent | PinResponseCodeFieldEvent | PinResponseReasonFieldEvent | PinResponseExpiresAtFieldEvent | PinResponseBytesFieldEvent | PinResponseBlocksFieldEvent> {
    return streamMessage(buf, PinResponse.codec(), opts)
  }
}
