import type { Chunking } from '../files/importer-options.js'

/** Folder (inside the node's data dir) of the asset index, a level database of its own. */
export const ASSETS_DB_DIR = 'assets'

/** Folder (inside the node's data dir) where folder uploads are unpacked before import. */
export const ASSET_STAGING_DIR = 'uploads'

/**
 * Leaf blocks read ahead while streaming an asset out: a few MiB in memory, whatever the
 * file size, while reads still overlap with sending.
 */
export const BLOCK_READ_CONCURRENCY = 8

/** Most files and folders one folder upload (a tar stream) may hold, unless the caller says otherwise. */
export const MAX_ARCHIVE_ENTRIES = 200_000

/** Progress callbacks fire at most this often (plus a final one). */
export const PROGRESS_INTERVAL_MS = 250

/** Bytes looked at to recognise an already-compressed format by its magic bytes. */
export const SNIFF_BYTES = 16

/** gzip level: zlib's default, a good speed/size balance for scenes and CSVs. */
export const GZIP_LEVEL = 6

/**
 * Brotli quality. The library default (11) runs at a few MB/s, far too slow for multi-GB
 * scenes; 5 still beats gzip on size at a similar speed.
 */
export const BROTLI_QUALITY = 5

/** The codec `auto` uses for files worth compressing. */
export const AUTO_CODEC = 'gzip' as const

/**
 * File extensions `auto` never compresses: formats that are compressed already, where a
 * second pass costs CPU and saves nothing (or grows the file).
 */
export const PRECOMPRESSED_EXTENSIONS: ReadonlySet<string> = new Set([
  'png',
  'jpg',
  'jpeg',
  'gif',
  'webp',
  'avif',
  'heic',
  'jxl',
  'exr',
  'mp4',
  'm4v',
  'mov',
  'mkv',
  'webm',
  'mp3',
  'm4a',
  'aac',
  'ogg',
  'opus',
  'flac',
  'zip',
  'gz',
  'tgz',
  'bz2',
  'xz',
  'zst',
  'lz4',
  'br',
  '7z',
  'rar',
  'npz',
  'parquet'
])

/** Magic bytes of compressed formats (offset, bytes), for files whose extension says nothing. */
export const PRECOMPRESSED_MAGIC: ReadonlyArray<{ format: string; offset: number; bytes: number[] }> = [
  { format: 'png', offset: 0, bytes: [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a] },
  { format: 'jpeg', offset: 0, bytes: [0xff, 0xd8, 0xff] },
  { format: 'gif', offset: 0, bytes: [0x47, 0x49, 0x46, 0x38] },
  { format: 'webp', offset: 8, bytes: [0x57, 0x45, 0x42, 0x50] },
  { format: 'mp4', offset: 4, bytes: [0x66, 0x74, 0x79, 0x70] },
  { format: 'exr', offset: 0, bytes: [0x76, 0x2f, 0x31, 0x01] },
  { format: 'zip', offset: 0, bytes: [0x50, 0x4b, 0x03, 0x04] },
  { format: 'gzip', offset: 0, bytes: [0x1f, 0x8b] },
  { format: 'bzip2', offset: 0, bytes: [0x42, 0x5a, 0x68] },
  { format: 'xz', offset: 0, bytes: [0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00] },
  { format: 'zstd', offset: 0, bytes: [0x28, 0xb5, 0x2f, 0xfd] },
  { format: '7z', offset: 0, bytes: [0x37, 0x7a, 0xbc, 0xaf, 0x27, 0x1c] },
  { format: 'rar', offset: 0, bytes: [0x52, 0x61, 0x72, 0x21] }
]

/**
 * How watched assets are chunked: content-defined (FastCDC, 512 KiB average), so an edit in
 * the middle of a large file makes a few new chunks, not every chunk after it. The figures
 * that decided it are in storage/files/constants.ts (bench:chunking).
 */
export const WATCH_CHUNKING: Chunking = 'fastcdc-512kib'

/** Changed files of a watched folder imported at once. */
export const WATCH_FILE_CONCURRENCY = 4

/**
 * A watched path is rescanned this long after the last change event: an editor's save or a
 * copy fires many events, and one version should come of them.
 */
export const WATCH_DEBOUNCE_MS = 1000

/**
 * A watched path is also rescanned this often, whatever the file system reports: change events
 * can be lost (network file systems, inotify limits), and a rescan compares only size and mtime.
 */
export const WATCH_RESCAN_MS = 30_000
