import { unixfs } from '@helia/unixfs'
import type { ImporterOptions } from 'ipfs-unixfs-importer'
import type { Chunker } from 'ipfs-unixfs-importer/chunker'
import { CID } from 'multiformats/cid'
import { FileUnreadableError, NotADirectoryError, NotAFileError } from '../files/errors.js'
import { listFolder } from '../files/import.js'
import { type Chunking, importerOptions } from '../files/importer-options.js'
import { readFileChunks, statForImport } from '../files/local-file.js'
import { type ImportContext, type Imported, prepared } from './asset-import.js'
import type { AssetCodec } from './codec.js'
import { WATCH_CHUNKING, WATCH_FILE_CONCURRENCY } from './constants.js'
import type { AssetKind, WatchedFile, WatchRecord } from './records.js'

type FileBuilder = NonNullable<ImporterOptions['fileBuilder']>

/** A file as a scan found it. */
export interface ScannedFile {
  absolute: string
  size: number
  mtime: number
}

/** What is at a watched path now: its files ('' for a single-file asset) and folders. */
export interface Scan {
  files: Map<string, ScannedFile>
  dirs: string[]
  /** ms: the newest modification under the path. */
  mtime: number
}

/** Files that differ from what the last version stored. */
export interface Delta {
  changed: string[]
  removed: string[]
  /** Whether anything at all differs (a folder added or removed counts too). */
  any: boolean
}

/** Scans the watched path; fails with a clear error when it is gone or became something else. */
export async function scanWatched(path: string, kind: AssetKind): Promise<Scan> {
  const info = await statForImport(path)
  if (kind === 'file') {
    if (!info.isFile())
      throw new NotAFileError(path, 'the watched file was replaced; unwatch it and add it again')
    const file = { absolute: path, size: info.size, mtime: info.mtimeMs }
    return { files: new Map([['', file]]), dirs: [], mtime: info.mtimeMs }
  }
  if (!info.isDirectory()) throw new NotADirectoryError(path, 'the watched folder was replaced by a file')
  const files = new Map<string, ScannedFile>()
  const dirs: string[] = []
  let mtime = info.mtimeMs
  for (const e of await listFolder(path)) {
    if (e.kind === 'directory') dirs.push(e.path)
    else {
      files.set(e.path, { absolute: e.absolute, size: e.size, mtime: e.mtimeMs })
      mtime = Math.max(mtime, e.mtimeMs)
    }
  }
  return { files, dirs, mtime }
}

/** Compares a scan with the last version by size and mtime: no file is read. */
export function diffScan(scan: Scan, previous: Pick<WatchRecord, 'files' | 'dirs'> | undefined): Delta {
  const before = previous?.files ?? {}
  const changed: string[] = []
  for (const [path, f] of scan.files) {
    const old = before[path]
    if (old === undefined || old.size !== f.size || old.mtime !== f.mtime) changed.push(path)
  }
  const removed = Object.keys(before).filter((p) => !scan.files.has(p))
  const oldDirs = new Set(previous?.dirs ?? [])
  const dirsDiffer = scan.dirs.length !== oldDirs.size || scan.dirs.some((d) => !oldDirs.has(d))
  return {
    changed,
    removed,
    any: previous === undefined || changed.length + removed.length > 0 || dirsDiffer
  }
}

/**
 * Adds to `delta` the unchanged files whose blocks this node no longer holds (collected by
 * gc while the asset was unpinned): they are read again rather than linked to nothing.
 */
export async function withMissingBlocks(
  delta: Delta,
  previous: Pick<WatchRecord, 'files'>,
  has: (cid: string) => Promise<boolean>
): Promise<Delta> {
  const changed = new Set(delta.changed)
  const missing: string[] = []
  for (const [path, f] of Object.entries(previous.files)) {
    if (changed.has(path) || delta.removed.includes(path)) continue
    if (!(await has(f.cid))) missing.push(path)
  }
  if (missing.length === 0) return delta
  return { ...delta, changed: [...delta.changed, ...missing].sort(), any: true }
}

function counting(chunker: Chunker, count: () => void): Chunker {
  return async function* counted(source) {
    for await (const chunk of chunker(source)) {
      count()
      yield chunk
    }
  }
}

/** Imports one file on its own (as its folder would link it): its CID, DAG size and chunk count. */
async function importOne(ctx: ImportContext, path: string, file: ScannedFile): Promise<WatchedFile> {
  let codec: AssetCodec = 'none'
  let raw = (): number => 0
  let stored = (): number => 0
  let chunks = 0
  const content = prepared(
    ctx,
    path,
    readFileChunks(file.absolute, () => {}),
    (c, r, s) => {
      codec = c
      raw = r
      stored = s
    }
  )
  const options = importerOptions(ctx.signal, WATCH_CHUNKING)
  options.chunker = counting(options.chunker!, () => chunks++)
  let result: { cid: CID; size: bigint } | undefined
  for await (const r of unixfs(ctx.helia).addAll([{ path: 'file', content }], options)) result = r
  if (result === undefined) throw new FileUnreadableError(file.absolute, 'the importer produced no file')
  // read while it was being written: a later scan sees a new mtime and imports it again
  const settled = raw() === file.size
  return {
    size: raw(),
    mtime: settled ? file.mtime : -1,
    cid: result.cid.toString(),
    dagSize: Number(result.size),
    storedBytes: stored(),
    chunks,
    codec
  }
}

/** Imports the changed files, a few at a time. */
async function importChanged(
  ctx: ImportContext,
  scan: Scan,
  changed: string[],
  name: string
): Promise<Map<string, WatchedFile>> {
  const out = new Map<string, WatchedFile>()
  const queue = [...changed]
  const worker = async (): Promise<void> => {
    for (let path = queue.shift(); path !== undefined; path = queue.shift()) {
      out.set(path, await importOne(ctx, path === '' ? name : path, scan.files.get(path)!))
    }
  }
  await Promise.all(Array.from({ length: Math.min(WATCH_FILE_CONCURRENCY, queue.length) }, worker))
  return out
}

/**
 * Links the files (by their recorded CIDs; nothing is read) into a folder tree, exactly as a
 * full import of the same files with the same chunking would: the same bytes, the same CID.
 */
async function linkTree(
  ctx: ImportContext,
  files: Record<string, WatchedFile>,
  dirs: string[],
  chunking: Chunking
): Promise<string> {
  const fs = unixfs(ctx.helia)
  const paths = [...dirs, ...Object.keys(files)].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))
  if (paths.length === 0) return (await fs.addDirectory({}, importerOptions(ctx.signal, chunking))).toString()
  const dirSet = new Set(dirs)
  const fileBuilder: FileBuilder = async (file) => {
    const f = files[file.path ?? '']!
    return {
      cid: CID.parse(f.cid),
      size: BigInt(f.dagSize),
      path: file.path,
      originalPath: file.originalPath
    }
  }
  let root: string | undefined
  const candidates = paths.map((path) => (dirSet.has(path) ? { path } : { path, content: [] }))
  for await (const r of fs.addAll(candidates, {
    ...importerOptions(ctx.signal, chunking),
    wrapWithDirectory: true,
    fileBuilder
  })) {
    if (r.path === '') root = r.cid.toString()
  }
  if (root === undefined)
    throw new FileUnreadableError('(watched folder)', 'the importer produced no root folder')
  return root
}

/**
 * A watched asset's next version: changed files imported (content-defined chunks, so an edit
 * stores only the chunks around it), unchanged ones reused by CID, removed ones left out.
 */
export async function importVersion(
  ctx: ImportContext,
  what: { name: string; kind: AssetKind },
  scan: Scan,
  previous: Record<string, WatchedFile>,
  delta: Delta
): Promise<Imported & { files: Record<string, WatchedFile> }> {
  const fresh = await importChanged(ctx, scan, delta.changed, what.name)
  const files: Record<string, WatchedFile> = {}
  for (const path of scan.files.keys()) files[path] = fresh.get(path) ?? previous[path]!
  const cid = what.kind === 'file' ? files['']!.cid : await linkTree(ctx, files, scan.dirs, WATCH_CHUNKING)
  const all = Object.entries(files)
  const compressed = all.filter(([, f]) => f.codec !== 'none')
  return {
    cid,
    size: all.reduce((s, [, f]) => s + f.size, 0),
    storedBytes: all.reduce((s, [, f]) => s + f.storedBytes, 0),
    chunks: all.reduce((s, [, f]) => s + f.chunks, 0),
    codec: compressed[0]?.[1].codec ?? 'none',
    ...(what.kind === 'folder' &&
      compressed.length > 0 && {
        compressedFiles: Object.fromEntries(compressed.map(([p, f]) => [p, f.size]))
      }),
    chunking: WATCH_CHUNKING,
    files
  }
}
