import { decodeMessage, encodeMessage, MaxLengthError, message, streamMessage } from 'protons-runtime'
import type { Codec, DecodeOptions } from 'protons-runtime'
import type { Uint8ArrayList } from 'uint8arraylist'

export interface CapacityRecord {
  gpus: CapacityRecord.Gpu[]
  cpuCores: number
  cpuModel: string
  ramBytes: number
  diskFreeBytes: number
  capabilities: string[]
  priceFloorPerUnit: string
  tier: string
  region: string
  version: string
  freeSlots: number
  blenderVersion: string
  sandbox: boolean
}

export namespace CapacityRecord {
  export interface Gpu {
    index: number
    vendor: string
    model: string
    vramBytes: number
  }

  export namespace Gpu {
    let _codec: Codec<Gpu>

    export const codec = (): Codec<Gpu> => {
      if (_codec == null) {
        _codec = message<Gpu>((obj, w, opts = {}) => {
          if (opts.lengthDelimited !== false) {
            w.fork()
          }

          if ((obj.index != null && obj.index !== 0)) {
            w.uint32(8)
            w.uint32(obj.index)
          }

          if ((obj.vendor != null && obj.vendor !== '')) {
            w.uint32(18)
            w.string(obj.vendor)
          }

          if ((obj.model != null && obj.model !== '')) {
            w.uint32(26)
            w.string(obj.model)
          }

          if ((obj.vramBytes != null && obj.vramBytes !== 0)) {
            w.uint32(32)
            w.uint64Number(obj.vramBytes)
          }

          if (opts.lengthDelimited !== false) {
            w.ldelim()
          }
        }, (reader, length, opts = {}) => {
          const obj: any = {
            index: 0,
            vendor: '',
            model: '',
            vramBytes: 0
          }

          const end = length == null ? reader.len : reader.pos + length

          while (reader.pos < end) {
            const tag = reader.uint32()

            switch (tag >>> 3) {
              case 1: {
                obj.index = reader.uint32()
                break
              }
              case 2: {
                obj.vendor = reader.string()
                break
              }
              case 3: {
                obj.model = reader.string()
                break
              }
              case 4: {
                obj.vramBytes = reader.uint64Number()
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
                  field: `${prefix}.index`,
                  value: reader.uint32()
                }
                break
              }
              case 2: {
                yield {
                  field: `${prefix}.vendor`,
                  value: reader.string()
                }
                break
              }
              case 3: {
                yield {
                  field: `${prefix}.model`,
                  value: reader.string()
                }
                break
              }
              case 4: {
                yield {
                  field: `${prefix}.vramBytes`,
                  value: reader.uint64Number()
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

    export interface GpuIndexFieldEvent {
      field: '$.index'
      value: number
    }

    export interface GpuVendorFieldEvent {
      field: '$.vendor'
      value: string
    }

    export interface GpuModelFieldEvent {
      field: '$.model'
      value: string
    }

    export interface GpuVramBytesFieldEvent {
      field: '$.vramBytes'
      value: number
    }

    export function encode (obj: Partial<Gpu>): Uint8Array<ArrayBuffer> {
      return encodeMessage(obj, Gpu.codec())
    }

    export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Gpu>): Gpu {
      return decodeMessage(buf, Gpu.codec(), opts)
    }

    export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Gpu>): Generator<GpuIndexFieldEvent | GpuVendorFieldEvent | GpuModelFieldEvent | GpuVramBytesFieldEvent> {
      return streamMessage(buf, Gpu.codec(), opts)
    }
  }

  let _codec: Codec<CapacityRecord>

  export const codec = (): Codec<CapacityRecord> => {
    if (_codec == null) {
      _codec = message<CapacityRecord>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if (obj.gpus != null && obj.gpus.length > 0) {
          for (const value of obj.gpus) {
            w.uint32(10)
            CapacityRecord.Gpu.codec().encode(value, w)
          }
        }

        if ((obj.cpuCores != null && obj.cpuCores !== 0)) {
          w.uint32(16)
          w.uint32(obj.cpuCores)
        }

        if ((obj.cpuModel != null && obj.cpuModel !== '')) {
          w.uint32(26)
          w.string(obj.cpuModel)
        }

        if ((obj.ramBytes != null && obj.ramBytes !== 0)) {
          w.uint32(32)
          w.uint64Number(obj.ramBytes)
        }

        if ((obj.diskFreeBytes != null && obj.diskFreeBytes !== 0)) {
          w.uint32(40)
          w.uint64Number(obj.diskFreeBytes)
        }

        if (obj.capabilities != null && obj.capabilities.length > 0) {
          for (const value of obj.capabilities) {
            w.uint32(50)
            w.string(value)
          }
        }

        if ((obj.priceFloorPerUnit != null && obj.priceFloorPerUnit !== '')) {
          w.uint32(58)
          w.string(obj.priceFloorPerUnit)
        }

        if ((obj.tier != null && obj.tier !== '')) {
          w.uint32(66)
          w.string(obj.tier)
        }

        if ((obj.region != null && obj.region !== '')) {
          w.uint32(74)
          w.string(obj.region)
        }

        if ((obj.version != null && obj.version !== '')) {
          w.uint32(82)
          w.string(obj.version)
        }

        if ((obj.freeSlots != null && obj.freeSlots !== 0)) {
          w.uint32(88)
          w.uint32(obj.freeSlots)
        }

        if ((obj.blenderVersion != null && obj.blenderVersion !== '')) {
          w.uint32(98)
          w.string(obj.blenderVersion)
        }

        if ((obj.sandbox != null && obj.sandbox !== false)) {
          w.uint32(104)
          w.bool(obj.sandbox)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          gpus: [],
          cpuCores: 0,
          cpuModel: '',
          ramBytes: 0,
          diskFreeBytes: 0,
          capabilities: [],
          priceFloorPerUnit: '',
          tier: '',
          region: '',
          version: '',
          freeSlots: 0,
          blenderVersion: '',
          sandbox: false
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              if (opts.limits?.gpus != null && obj.gpus.length === opts.limits.gpus) {
                throw new MaxLengthError('Decode error - repeated field "gpus" had too many elements')
              }

              obj.gpus.push(CapacityRecord.Gpu.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.gpus$
              }))
              break
            }
            case 2: {
              obj.cpuCores = reader.uint32()
              break
            }
            case 3: {
              obj.cpuModel = reader.string()
              break
            }
            case 4: {
              obj.ramBytes = reader.uint64Number()
              break
            }
            case 5: {
              obj.diskFreeBytes = reader.uint64Number()
              break
            }
            case 6: {
              if (opts.limits?.capabilities != null && obj.capabilities.length === opts.limits.capabilities) {
                throw new MaxLengthError('Decode error - repeated field "capabilities" had too many elements')
              }

              obj.capabilities.push(reader.string())
              break
            }
            case 7: {
              obj.priceFloorPerUnit = reader.string()
              break
            }
            case 8: {
              obj.tier = reader.string()
              break
            }
            case 9: {
              obj.region = reader.string()
              break
            }
            case 10: {
              obj.version = reader.string()
              break
            }
            case 11: {
              obj.freeSlots = reader.uint32()
              break
            }
            case 12: {
              obj.blenderVersion = reader.string()
              break
            }
            case 13: {
              obj.sandbox = reader.bool()
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
          gpus: 0,
          capabilities: 0
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              if (opts.limits?.gpus != null && obj.gpus === opts.limits.gpus) {
                throw new MaxLengthError('Streaming decode error - repeated field "gpus" had too many elements')
              }

              for (const evt of CapacityRecord.Gpu.codec().stream(reader, reader.uint32(), `${prefix}.gpus[]`, {
                limits: opts.limits?.gpus$
              })) {
                yield {
                  ...evt,
                  index: obj.gpus
                }
              }

              obj.gpus++

              break
            }
            case 2: {
              yield {
                field: `${prefix}.cpuCores`,
                value: reader.uint32()
              }
              break
            }
            case 3: {
              yield {
                field: `${prefix}.cpuModel`,
                value: reader.string()
              }
              break
            }
            case 4: {
              yield {
                field: `${prefix}.ramBytes`,
                value: reader.uint64Number()
              }
              break
            }
            case 5: {
              yield {
                field: `${prefix}.diskFreeBytes`,
                value: reader.uint64Number()
              }
              break
            }
            case 6: {
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
            case 7: {
              yield {
                field: `${prefix}.priceFloorPerUnit`,
                value: reader.string()
              }
              break
            }
            case 8: {
              yield {
                field: `${prefix}.tier`,
                value: reader.string()
              }
              break
            }
            case 9: {
              yield {
                field: `${prefix}.region`,
                value: reader.string()
              }
              break
            }
            case 10: {
              yield {
                field: `${prefix}.version`,
                value: reader.string()
              }
              break
            }
            case 11: {
              yield {
                field: `${prefix}.freeSlots`,
                value: reader.uint32()
              }
              break
            }
            case 12: {
              yield {
                field: `${prefix}.blenderVersion`,
                value: reader.string()
              }
              break
            }
            case 13: {
              yield {
                field: `${prefix}.sandbox`,
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

  export interface CapacityRecordGpusIndexFieldEvent {
    field: '$.gpus[].index'
    value: number
    index: number
  }

  export interface CapacityRecordGpusVendorFieldEvent {
    field: '$.gpus[].vendor'
    value: string
    index: number
  }

  export interface CapacityRecordGpusModelFieldEvent {
    field: '$.gpus[].model'
    value: string
    index: number
  }

  export interface CapacityRecordGpusVramBytesFieldEvent {
    field: '$.gpus[].vramBytes'
    value: number
    index: number
  }

  export interface CapacityRecordCpuCoresFieldEvent {
    field: '$.cpuCores'
    value: number
  }

  export interface CapacityRecordCpuModelFieldEvent {
    field: '$.cpuModel'
    value: string
  }

  export interface CapacityRecordRamBytesFieldEvent {
    field: '$.ramBytes'
    value: number
  }

  export interface CapacityRecordDiskFreeBytesFieldEvent {
    field: '$.diskFreeBytes'
    value: number
  }

  export interface CapacityRecordCapabilitiesFieldEvent {
    field: '$.capabilities[]'
    index: number
    value: string
  }

  export interface CapacityRecordPriceFloorPerUnitFieldEvent {
    field: '$.priceFloorPerUnit'
    value: string
  }

  export interface CapacityRecordTierFieldEvent {
    field: '$.tier'
    value: string
  }

  export interface CapacityRecordRegionFieldEvent {
    field: '$.region'
    value: string
  }

  export interface CapacityRecordVersionFieldEvent {
    field: '$.version'
    value: string
  }

  export interface CapacityRecordFreeSlotsFieldEvent {
    field: '$.freeSlots'
    value: number
  }

  export interface CapacityRecordBlenderVersionFieldEvent {
    field: '$.blenderVersion'
    value: string
  }

  export interface CapacityRecordSandboxFieldEvent {
    field: '$.sandbox'
    value: boolean
  }

  export function encode (obj: Partial<CapacityRecord>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, CapacityRecord.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<CapacityRecord>): CapacityRecord {
    return decodeMessage(buf, CapacityRecord.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<CapacityRecord>): Generator<CapacityRecordGpusIndexFieldEvent | CapacityRecordGpusVendorFieldEvent | CapacityRecordGpusModelFieldEvent | CapacityRecordGpusVramBytesFieldEvent | CapacityRecordCpuCoresFieldEvent | CapacityRecordCpuModelFieldEvent | CapacityRecordRamBytesFieldEvent | CapacityRecordDiskFreeBytesFieldEvent | CapacityRecordCapabilitiesFieldEvent | CapacityRecordPriceFloorPerUnitFieldEvent | CapacityRecordTierFieldEvent | CapacityRecordRegionFieldEvent | CapacityRecordVersionFieldEvent | CapacityRecordFreeSlotsFieldEvent | CapacityRecordBlenderVersionFieldEvent | CapacityRecordSandboxFieldEvent> {
    return streamMessage(buf, CapacityRecord.codec(), opts)
  }
}
