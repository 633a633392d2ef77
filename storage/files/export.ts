import { mkdir, readdir, rename, rm, rmdir } from 'node:fs/promises'
import { dirname, join } from 'node:path'
import { type DirectoryStats, type FileStats, type RawStats, type UnixFS, unixfs } from '@helia/unixfs'
import type { Helia } from 'helia'
import type { CID } from 'multiformats/cid'
import { isRynusError } from '../../protocols/common/errors.js'
import { readLocalFile } from '../assets/local-read.js'
import { fetchDag } from '../transfers/fetch-dag.js'
import { freshPartialPath, onDisk, PositionalFile, writeFileAtomically } from './atomic-write.js'
import { parseCid } from './cid.js'
import { DEFAULT_FETCH_TIMEOUT_MS } from './constants.js'
import {
  DestinationError,
  FetchTimeoutError,
  NotADirectoryError,
  NotAFileError,
  NotStoredLocallyError,
  UnsafePathError
} from './errors.js'
import { IdleTimeout } from './idle-timeout.js'
import type { ExportOptions, ExportResult } from './types.js'

/** One export: its CID, its combined abort signal and its stall watchdog. */
class Fetch {
  readonly cid: CID
  readonly fs: UnixFS
  readonly idle: IdleTimeout
  readonly signal: AbortSignal
  readonly opts: ExportOptions
  readonly helia: Helia
  bytes = 0

  constructor(helia: Helia, cid: string | CID, opts: ExportOptions) {
    this.helia = helia
    this.cid = parseCid(cid)
    this.fs = unixfs(helia)
    this.opts = opts
    this.idle = new IdleTimeout(opts.timeoutMs ?? DEFAULT_FETCH_TIMEOUT_MS)
    this.signal =
      opts.signal !== undefined ? AbortSignal.any([opts.signal, this.idle.signal]) : this.idle.signal
  }

  /** Everything is read from local blocks: `prefetch` fetched what was missing first. */
  get readOptions(): { signal: AbortSignal; offline: true } {
    return { signal: this.signal, offline: true }
  }

  /**
   * Unless offline, fetches every missing block of the DAG into the blockstore (a bounded
   * window of wants over bitswap, several providers, resumable), reporting progress per block.
   */
  async prefetch(into?: PositionalFile): Promise<void> {
    if (this.opts.offline === true) return
    await fetchDag(this.helia, this.cid, {
      signal: this.signal,
      timeoutMs: this.opts.timeoutMs ?? DEFAULT_FETCH_TIMEOUT_MS,
      onProgress: (p) => {
        this.idle.touch()
        this.opts.onProgress?.({ ...p, phase: 'fetch' })
      },
      ...(into !== undefined && { onContent: (bytes, offset) => into.write(bytes, offset) })
    })
  }

  /** Reads one file's content from local blocks, counting bytes, with bounded read-ahead. */
  async *content(cid: CID, totalBytes?: number): AsyncGenerator<Uint8Array> {
    for await (const chunk of readLocalFile(this.helia, cid, this.signal)) {
      this.idle.touch()
      this.bytes += chunk.byteLength
      this.opts.onProgress?.({ bytes: this.bytes, totalBytes, phase: 'write' })
      yield chunk
    }
  }

  async stat(cid: CID): Promise<FileStats | DirectoryStats | RawStats> {
    const stat = await this.fs.stat(cid, this.readOptions)
    this.idle.touch()
    return stat
  }

  /** The error to show for a failure: a stall becomes ERR_FETCH_TIMEOUT naming the CID. */
  failure(err: unknown): unknown {
    if (isRynusError(err)) return err
    const text = this.cid.toString()
    // the caller cancelled: report its reason (an AbortError unless it gave one)
    if (this.opts.signal?.aborted === true) return this.opts.signal.reason
    if (this.idle.fired) {
      return new FetchTimeoutError(text, this.opts.timeoutMs ?? DEFAULT_FETCH_TIMEOUT_MS)
    }
    const name = (err as Error | undefined)?.name
    // helia sets the class's static name, not the instance's
    const kind = (err as Error | undefined)?.constructor?.name
    if (name === 'BlockNotFoundWhileOfflineError' || kind === 'BlockNotFoundWhileOfflineError')
      return new NotStoredLocallyError(text, { cause: err })
    if (name === 'NotUnixFSError') {
      return new NotAFileError(text, 'it is not UnixFS data (a job spec or other JSON block?)')
    }
    return err
  }
}

/**
 * Fetches a UnixFS file (from local blocks, else over bitswap) and streams it to `destPath`
 * through a temporary file that is renamed into place once complete. Fails with
 * ERR_FETCH_TIMEOUT when no data arrives for `timeoutMs`.
 */
export async function exportToFile(
  helia: Helia,
  cid: string | CID,
  destPath: string,
  opts: ExportOptions = {}
): Promise<ExportResult> {
  const fetch = new Fetch(helia, cid, opts)
  let early: PositionalFile | undefined
  try {
    // fetched content is written to the file as it arrives, not read back after the fetch
    if (opts.offline !== true) early = await PositionalFile.open(destPath)
    await fetch.prefetch(early)
    const stat = await fetch.stat(fetch.cid)
    if (stat.type === 'directory') {
      throw new NotAFileError(fetch.cid.toString(), 'it is a folder; fetch it with exportDirectory')
    }
    if (stat.unixfs?.type === 'symlink')
      throw new NotAFileError(fetch.cid.toString(), 'it is a symbolic link')
    const size = Number(stat.size)
    if (early !== undefined && early.written === size) {
      await early.commit()
      opts.onProgress?.({ bytes: size, totalBytes: size, phase: 'write' })
      return { cid: fetch.cid.toString(), size }
    }
    // the content was not all handed over (a node misstating its children's sizes): write
    // the file from the store, as a reader sees it
    await early?.discard()
    const written = await writeFileAtomically(destPath, fetch.content(fetch.cid, size), () => {})
    return { cid: fetch.cid.toString(), size: written }
  } catch (err) {
    await early?.discard()
    throw fetch.failure(err)
  } finally {
    fetch.idle.clear()
  }
}

/** Why a directory entry name from fetched data must not become a path, if it must not. */
function unsafeName(name: string): string | undefined {
  if (name === '' || name === '.' || name === '..') return 'it is not a file name'
  if (name.includes('/') || name.includes('\\')) return 'it contains a path separator'
  if (name.includes('\0')) return 'it contains a NUL byte'
  return undefined
}

async function writeTree(fetch: Fetch, dirCid: CID, into: string): Promise<void> {
  for await (const entry of fetch.fs.ls(dirCid, fetch.readOptions)) {
    fetch.idle.touch()
    const why = unsafeName(entry.name)
    if (why !== undefined) throw new UnsafePathError(fetch.cid.toString(), entry.name, why)
    const stat = await fetch.stat(entry.cid)
    const target = join(into, entry.name)
    if (stat.type === 'directory') {
      await onDisk(target, () => mkdir(target))
      await writeTree(fetch, entry.cid, target)
    } else if (stat.unixfs?.type === 'symlink') {
      throw new UnsafePathError(
        fetch.cid.toString(),
        entry.name,
        'symbolic links from fetched data are not written'
      )
    } else {
      await writeFileAtomically(target, fetch.content(entry.cid), () => {})
    }
  }
}

async function isAbsentOrEmpty(path: string): Promise<boolean> {
  try {
    return (await readdir(path)).length === 0
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code
    if (code === 'ENOENT') return true
    if (code === 'ENOTDIR') return false
    throw new DestinationError(path, 'cannot read it', { cause: err })
  }
}

/**
 * Fetches a UnixFS folder tree into `destDir`, which must not exist or be empty. The tree is
 * written to a temporary sibling folder and renamed into place when complete. Entry names
 * that could escape the folder (`..`, separators) and symbolic links are refused.
 */
export async function exportDirectory(
  helia: Helia,
  cid: string | CID,
  destDir: string,
  opts: ExportOptions = {}
): Promise<ExportResult> {
  const fetch = new Fetch(helia, cid, opts)
  let tmp: string | undefined
  try {
    await fetch.prefetch()
    const stat = await fetch.stat(fetch.cid)
    if (stat.type !== 'directory') {
      throw new NotADirectoryError(fetch.cid.toString(), 'fetch a single file with exportToFile')
    }
    if (!(await isAbsentOrEmpty(destDir))) {
      throw new DestinationError(destDir, 'it already exists and is not empty; choose a new folder')
    }
    await onDisk(destDir, () => mkdir(dirname(destDir), { recursive: true }))
    const partial = await freshPartialPath(destDir)
    tmp = partial
    await onDisk(destDir, () => mkdir(partial))
    await writeTree(fetch, fetch.cid, partial)
    await rmdir(destDir).catch(() => {})
    await onDisk(destDir, () => rename(partial, destDir))
    tmp = undefined
    return { cid: fetch.cid.toString(), size: fetch.bytes }
  } catch (err) {
    throw fetch.failure(err)
  } finally {
    fetch.idle.clear()
    if (tmp !== undefined) await rm(tmp, { recursive: true, force: true }).catch(() => {})
  }
}
