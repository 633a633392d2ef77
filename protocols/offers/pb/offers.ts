import { decodeMessage, encodeMessage, MaxLengthError, message, streamMessage } from 'protons-runtime'
import type { Codec, DecodeOptions } from 'protons-runtime'
import type { Uint8ArrayList } from 'uint8arraylist'

export interface JobOffer {
  jobId: string
  kind: string
  requirements?: JobOffer.Requirements
  maxPricePerUnit: string
  units: number
  createdAt: number
  expiresAt: number
  chainJobId: string
  spec?: Uint8Array<ArrayBuffer>
}

export namespace JobOffer {
  export interface Requirements {
    capabilities: string[]
    minVramBytes: number
    gpuVendor: string
    gpuModel: string
  }

  export namespace Requirements {
    let _codec: Codec<Requirements>

    export const codec = (): Codec<Requirements> => {
      if (_codec == null) {
        _codec = message<Requirements>((obj, w, opts = {}) => {
          if (opts.lengthDelimited !== false) {
            w.fork()
          }

          if (obj.capabilities != null && obj.capabilities.length > 0) {
            for (const value of obj.capabilities) {
              w.uint32(10)
              w.string(value)
            }
          }

          if ((obj.minVramBytes != null && obj.minVramBytes !== 0)) {
            w.uint32(16)
            w.uint64Number(obj.minVramBytes)
          }

          if ((obj.gpuVendor != null && obj.gpuVendor !== '')) {
            w.uint32(26)
            w.string(obj.gpuVendor)
          }

          if ((obj.gpuModel != null && obj.gpuModel !== '')) {
            w.uint32(34)
            w.string(obj.gpuModel)
          }

          if (opts.lengthDelimited !== false) {
            w.ldelim()
          }
        }, (reader, length, opts = {}) => {
          const obj: any = {
            capabilities: [],
            minVramBytes: 0,
            gpuVendor: '',
            gpuModel: ''
          }

          const end = length == null ? reader.len : reader.pos + length

          while (reader.pos < end) {
            const tag = reader.uint32()

            switch (tag >>> 3) {
              case 1: {
                if (opts.limits?.capabilities != null && obj.capabilities.length === opts.limits.capabilities) {
                  throw new MaxLengthError('Decode error - repeated field "capabilities" had too many elements')
                }

                obj.capabilities.push(reader.string())
                break
              }
              case 2: {
                obj.minVramBytes = reader.uint64Number()
                break
              }
              case 3: {
                obj.gpuVendor = reader.string()
                break
              }
              case 4: {
                obj.gpuModel = reader.string()
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
            capabilities: 0
          }

          const end = length == null ? reader.len : reader.pos + length

          while (reader.pos < end) {
            const tag = reader.uint32()

            switch (tag >>> 3) {
              case 1: {
                if (opts.limits?.capabilities != null && obj.capabilities === opts.limits.capabilities) {
                  throw new MaxLengthError('Streaming decode error - repeated field "capabilities" had too many elements')
                }

                yield {
                  field: `${prefix}.capabilities[]`,
                  index: obj.capabilities,
                  value: reader.string()
                }

                obj.capabilities++

                break
              }
              case 2: {
                yield {
                  field: `${prefix}.minVramBytes`,
                  value: reader.uint64Number()
                }
                break
              }
              case 3: {
                yield {
                  field: `${prefix}.gpuVendor`,
                  value: reader.string()
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

    export interface RequirementsCapabilitiesFieldEvent {
      field: '$.capabilities[]'
      index: number
      value: string
    }

    export interface RequirementsMinVramBytesFieldEvent {
      field: '$.minVramBytes'
      value: number
    }

    export interface RequirementsGpuVendorFieldEvent {
      field: '$.gpuVendor'
      value: string
    }

    export interface RequirementsGpuModelFieldEvent {
      field: '$.gpuModel'
      value: string
    }

    export function encode (obj: Partial<Requirements>): Uint8Array<ArrayBuffer> {
      return encodeMessage(obj, Requirements.codec())
    }

    export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Requirements>): Requirements {
      return decodeMessage(buf, Requirements.codec(), opts)
    }

    export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Requirements>): Generator<RequirementsCapabilitiesFieldEvent | RequirementsMinVramBytesFieldEvent | RequirementsGpuVendorFieldEvent | RequirementsGpuModelFieldEvent> {
      return streamMessage(buf, Requirements.codec(), opts)
    }
  }

  let _codec: Codec<JobOffer>

  export const codec = (): Codec<JobOffer> => {
    if (_codec == null) {
      _codec = message<JobOffer>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.jobId != null && obj.jobId !== '')) {
          w.uint32(10)
          w.string(obj.jobId)
        }

        if ((obj.kind != null && obj.kind !== '')) {
          w.uint32(18)
          w.string(obj.kind)
        }

        if (obj.requirements != null) {
          w.uint32(26)
          JobOffer.Requirements.codec().encode(obj.requirements, w)
        }

        if ((obj.maxPricePerUnit != null && obj.maxPricePerUnit !== '')) {
          w.uint32(34)
          w.string(obj.maxPricePerUnit)
        }

        if ((obj.units != null && obj.units !== 0)) {
          w.uint32(40)
          w.uint32(obj.units)
        }

        if ((obj.createdAt != null && obj.createdAt !== 0)) {
          w.uint32(48)
          w.uint64Number(obj.createdAt)
        }

        if ((obj.expiresAt != null && obj.expiresAt !== 0)) {
          w.uint32(56)
          w.uint64Number(obj.expiresAt)
        }

        if ((obj.chainJobId != null && obj.chainJobId !== '')) {
          w.uint32(66)
          w.string(obj.chainJobId)
        }

        if (obj.spec != null) {
          w.uint32(74)
          w.bytes(obj.spec)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          jobId: '',
          kind: '',
          maxPricePerUnit: '',
          units: 0,
          createdAt: 0,
          expiresAt: 0,
          chainJobId: ''
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
              obj.kind = reader.string()
              break
            }
            case 3: {
              obj.requirements = JobOffer.Requirements.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.requirements
              })
              break
            }
            case 4: {
              obj.maxPricePerUnit = reader.string()
              break
            }
            case 5: {
              obj.units = reader.uint32()
              break
            }
            case 6: {
              obj.createdAt = reader.uint64Number()
              break
            }
            case 7: {
              obj.expiresAt = reader.uint64Number()
              break
            }
            case 8: {
              obj.chainJobId = reader.string()
              break
            }
            case 9: {
              obj.spec = reader.bytes()
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
                field: `${prefix}.kind`,
                value: reader.string()
              }
              break
            }
            case 3: {
              yield * JobOffer.Requirements.codec().stream(reader, reader.uint32(), `${prefix}.requirements`, {
                limits: opts.limits?.requirements
              })

              break
            }
            case 4: {
              yield {
                field: `${prefix}.maxPricePerUnit`,
                value: reader.string()
              }
              break
            }
            case 5: {
              yield {
                field: `${prefix}.units`,
                value: reader.uint32()
              }
              break
            }
            case 6: {
              yield {
                field: `${prefix}.createdAt`,
                value: reader.uint64Number()
              }
              break
            }
            case 7: {
              yield {
                field: `${prefix}.expiresAt`,
                value: reader.uint64Number()
              }
              break
            }
            case 8: {
              yield {
                field: `${prefix}.chainJobId`,
                value: reader.string()
              }
              break
            }
            case 9: {
              yield {
                field: `${prefix}.spec`,
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

  export interface JobOfferJobIdFieldEvent {
    field: '$.jobId'
    value: string
  }

  export interface JobOfferKindFieldEvent {
    field: '$.kind'
    value: string
  }

  export interface JobOfferRequirementsCapabilitiesFieldEvent {
    field: '$.requirements.capabilities[]'
    index: number
    value: string
  }

  export interface JobOfferRequirementsMinVramBytesFieldEvent {
    field: '$.requirements.minVramBytes'
    value: number
  }

  export interface JobOfferRequirementsGpuVendorFieldEvent {
    field: '$.requirements.gpuVendor'
    value: string
  }

  export interface JobOfferRequirementsGpuModelFieldEvent {
    field: '$.requirements.gpuModel'
    value: string
  }

  export interface JobOfferMaxPricePerUnitFieldEvent {
    field: '$.maxPricePerUnit'
    value: string
  }

  export interface JobOfferUnitsFieldEvent {
    field: '$.units'
    value: number
  }

  export interface JobOfferCreatedAtFieldEvent {
    field: '$.createdAt'
    value: number
  }

  export interface JobOfferExpiresAtFieldEvent {
    field: '$.expiresAt'
    value: number
  }

  export interface JobOfferChainJobIdFieldEvent {
    field: '$.chainJobId'
    value: string
  }

  export interface JobOfferSpecFieldEvent {
    field: '$.spec'
    value: Uint8Array<ArrayBuffer>
  }

  export function encode (obj: Partial<JobOffer>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, JobOffer.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<JobOffer>): JobOffer {
    return decodeMessage(buf, JobOffer.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<JobOffer>): Generator<JobOfferJobIdFieldEvent | JobOfferKindFieldEvent | JobOfferRequirementsCapabilitiesFieldEvent | JobOfferRequirementsMinVramBytesFieldEvent | JobOfferRequirementsGpuVendorFieldEvent | JobOfferRequirementsGpuModelFieldEvent | JobOfferMaxPricePerUnitFieldEvent | JobOfferUnitsFieldEvent | JobOfferCreatedAtFieldEvent | JobOfferExpiresAtFieldEvent | JobOfferChainJobIdFieldEvent | JobOfferSpecFieldEvent> {
    return streamMessage(buf, JobOffer.codec(), opts)
  }
}
