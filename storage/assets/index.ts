export { AssetIndex } from './asset-index.js'
export { AssetStore } from './asset-store.js'
export {
  type AddOptions,
  type AssetStoreComponents,
  type AssetStoreOptions,
  type AssetView,
  checkAssetName
} from './asset-types.js'
export type { WatchOptions, WatchSync, WatchTiming } from './asset-watches.js'
export {
  type AssetCodec,
  type CompressMode,
  chooseCodec,
  parseCompressMode,
  precompressedFormat
} from './codec.js'
export * from './constants.js'
export * from './errors.js'
export type { AssetProgress } from './progress.js'
export type { AssetKind, AssetRecord, ImportMarker, WatchedFile, WatchRecord } from './records.js'
export { extractTar, packTar, type TarEntry, unpackTar } from './tar.js'
