import { decodeMessage, encodeMessage, MaxLengthError, message, streamMessage } from 'protons-runtime'
import type { Codec, DecodeOptions } from 'protons-runtime'
import type { Uint8ArrayList } from 'uint8arraylist'

export interface NodeProfile {
  roles: string[]
  version: string
  startedAt: bigint
}

export namespace NodeProfile {
  let _codec: Codec<NodeProfile>

  export const codec = (): Codec<NodeProfile> => {
    if (_codec == null) {
      _codec = message<NodeProfile>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if (obj.roles != null && obj.roles.length > 0) {
          for (const value of obj.roles) {
            w.uint32(10)
            w.string(value)
          }
        }

        if ((obj.version != null && obj.version !== '')) {
          w.uint32(18)
          w.string(obj.version)
        }

        if ((obj.startedAt != null && obj.startedAt !== 0n)) {
          w.uint32(24)
          w.uint64(obj.startedAt)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          roles: [],
          version: '',
          startedAt: 0n
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              if (opts.limits?.roles != null && obj.roles.length === opts.limits.roles) {
                throw new MaxLengthError('Decode error - repeated field "roles" had too many elements')
              }

              obj.roles.push(reader.string())
              break
            }
            case 2: {
              obj.version = reader.string()
              break
            }
            case 3: {
              obj.startedAt = reader.uint64()
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
          roles: 0
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              if (opts.limits?.roles != null && obj.roles === opts.limits.roles) {
                throw new MaxLengthError('Streaming decode error - repeated field "roles" had too many elements')
              }

              yield {
                field: `${prefix}.roles[]`,
                index: obj.roles,
                value: reader.string()
              }

              obj.roles++

              break
            }
            case 2: {
              yield {
                field: `${prefix}.version`,
                value: reader.string()
              }
              break
            }
            case 3: {
              yield {
                field: `${prefix}.startedAt`,
                value: reader.uint64()
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

  export interface NodeProfileRolesFieldEvent {
    field: '$.roles[]'
    index: number
    value: string
  }

  export interface NodeProfileVersionFieldEvent {
    field: '$.version'
    value: string
  }

  export interface NodeProfileStartedAtFieldEvent {
    field: '$.startedAt'
    value: bigint
  }

  export function encode (obj: Partial<NodeProfile>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, NodeProfile.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<NodeProfile>): NodeProfile {
    return decodeMessage(buf, NodeProfile.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<NodeProfile>): Generator<NodeProfileRolesFieldEvent | NodeProfileVersionFieldEvent | NodeProfileStartedAtFieldEvent> {
    return streamMessage(buf, NodeProfile.codec(), opts)
  }
}
