import type { Helia } from 'helia'
import type { Logger } from '../../protocols/common/logger.js'
import type { WatchTiming } from './asset-watches.js'
import type { CompressMode } from './codec.js'
import { AssetNameError } from './errors.js'
import type { AssetProgress } from './progress.js'
import type { AssetRecord } from './records.js'

export interface AssetStoreOptions {
  dataDir: string
  /** Most bytes of asset content stored (after compression); 0 = unlimited. */
  quotaBytes: number
  /** How soon watched paths are rescanned (defaults: WATCH_DEBOUNCE_MS, WATCH_RESCAN_MS). */
  watch?: WatchTiming
}

export interface AssetStoreComponents {
  helia: Helia
  logger: Logger
}

export interface AddOptions {
  /** Name to record (default: the file or folder name). */
  name?: string
  compress?: CompressMode
  pin?: boolean
  onProgress?: (p: AssetProgress) => void
  signal?: AbortSignal
}

/** An asset as listed: a complete one, or an import under way (no CID yet). */
export interface AssetView extends Omit<AssetRecord, 'cid' | 'compressedFiles'> {
  cid: string | null
  status: 'importing' | 'complete'
  /** 0..1 while importing (when the total is known), 1 when complete. */
  completion?: number
}

/** A file name: no path separators, at most 255 characters (control characters are checked apart). */
const NAME = /^[^/\\]{1,255}$/

function hasControlCharacter(name: string): boolean {
  for (let i = 0; i < name.length; i++) {
    const c = name.charCodeAt(i)
    if (c < 0x20 || c === 0x7f) return true
  }
  return false
}

/** Throws AssetNameError for names that could be a path. */
export function checkAssetName(name: string): string {
  if (!NAME.test(name) || hasControlCharacter(name) || name === '.' || name === '..' || name.trim() === '')
    throw new AssetNameError(name)
  return name
}

/** A complete asset as listed. */
export function view(r: AssetRecord): AssetView {
  const { compressedFiles: _, ...rest } = r
  return { ...rest, status: 'complete', completion: 1 }
}
