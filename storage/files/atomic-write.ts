import { randomBytes } from 'node:crypto'
import { type FileHandle, mkdir, open, readdir, rename, rm } from 'node:fs/promises'
import { hostname } from 'node:os'
import { basename, dirname, join } from 'node:path'
import { describeError } from '../../protocols/common/errors.js'
import { writePieces } from '../blocks/write-pieces.js'
import { EXPORT_FLUSH_BYTES, PARTIAL_SUFFIX } from './constants.js'
import { DestinationError } from './errors.js'

/** Runs a filesystem step of an export, turning its failure into a DestinationError. */
export async function onDisk<T>(path: string, step: () => Promise<T>): Promise<T> {
  try {
    return await step()
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code
    const reason =
      code === 'ENOSPC'
        ? 'the disk is full; free some space and retry'
        : code === 'EACCES' || code === 'EPERM'
          ? 'permission denied; choose a folder the node may write to'
          : code === 'EISDIR'
            ? 'a folder is in the way; choose another file name'
            : describeError(err)
    throw new DestinationError(path, reason, { cause: err })
  }
}

/** This machine's name as it goes into partial names (letters, digits and dashes). */
const HOST = hostname().replace(/[^A-Za-z0-9-]/g, '-') || 'host'

/**
 * A sibling name for a temporary file or folder that becomes `path` on success:
 * `.<name>.<host>.<pid>-<random>.rynus-partial`, so a later export can tell one left by a
 * process of this machine that no longer runs (killed mid-download) from one being written
 * now, here or by another machine sharing the folder.
 */
export function partialPath(path: string): string {
  return join(
    dirname(path),
    `.${basename(path)}.${HOST}.${process.pid}-${randomBytes(6).toString('hex')}${PARTIAL_SUFFIX}`
  )
}

/** Whether a process with this id runs (or may: one we cannot signal is counted as running). */
function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (err) {
    return (err as NodeJS.ErrnoException).code !== 'ESRCH'
  }
}

/**
 * A new partial path for `path`, after removing the partial files and folders that exports of
 * `path` by processes of this machine no longer running left behind (a killed `assets get -o`
 * leaves up to the whole file). Ones of running processes or of other machines (a shared
 * folder), and names this code did not make, are left alone.
 */
export async function freshPartialPath(path: string): Promise<string> {
  const prefix = `.${basename(path)}.${HOST}.`
  const names = await readdir(dirname(path)).catch(() => [] as string[])
  for (const name of names) {
    if (!name.startsWith(prefix) || !name.endsWith(PARTIAL_SUFFIX)) continue
    const stamp = /^(\d+)-[0-9a-f]+$/.exec(name.slice(prefix.length, -PARTIAL_SUFFIX.length))
    if (stamp === null || isRunning(Number(stamp[1]))) continue
    await rm(join(dirname(path), name), { recursive: true, force: true }).catch(() => {})
  }
  return partialPath(path)
}

/**
 * Writes `chunks` to a temporary file next to `dest`, syncs it and renames it onto `dest`:
 * `dest` is either absent/unchanged or complete, never half-written. On any failure (fetch
 * or disk) the temporary file is removed. Returns the number of bytes written.
 */
export async function writeFileAtomically(
  dest: string,
  chunks: AsyncIterable<Uint8Array>,
  onChunk: (n: number) => void
): Promise<number> {
  await onDisk(dest, () => mkdir(dirname(dest), { recursive: true }))
  const tmp = await freshPartialPath(dest)
  let handle: FileHandle | undefined = await onDisk(dest, () => open(tmp, 'wx', 0o644))
  let written = 0
  try {
    for await (const chunk of chunks) {
      const bytesWritten = await onDisk(dest, () => writePieces(handle!, [chunk], written))
      written += bytesWritten
      onChunk(chunk.byteLength)
    }
    await onDisk(dest, () => handle!.sync())
    await handle.close()
    handle = undefined
    await onDisk(dest, () => rename(tmp, dest))
  } catch (err) {
    await handle?.close().catch(() => {})
    await rm(tmp, { force: true }).catch(() => {})
    throw err
  }
  return written
}

/**
 * A file written out of order (each piece at its offset) into a temporary file next to
 * `dest`, then synced and renamed onto `dest` by `commit`, or removed by `discard`.
 */
export class PositionalFile {
  readonly dest: string
  readonly #tmp: string
  readonly #handle: FileHandle
  /** Bytes written so far, summed over pieces. */
  written = 0
  /** Bytes written since the last background flush started. */
  #unflushed = 0
  /** The flush under way, if any; settles to its error or undefined (never rejects). */
  #flushing?: Promise<unknown>
  #flushError?: unknown

  private constructor(dest: string, tmp: string, handle: FileHandle) {
    this.dest = dest
    this.#tmp = tmp
    this.#handle = handle
  }

  static async open(dest: string): Promise<PositionalFile> {
    await onDisk(dest, () => mkdir(dirname(dest), { recursive: true }))
    const tmp = await freshPartialPath(dest)
    return new PositionalFile(dest, tmp, await onDisk(dest, () => open(tmp, 'wx', 0o644)))
  }

  /** Writes `bytes` (one buffer or its pieces, as a block arrived) at `offset`. */
  async write(bytes: Uint8Array | Iterable<Uint8Array>, offset: number): Promise<void> {
    const pieces = bytes instanceof Uint8Array ? [bytes] : [...bytes]
    // not `this.written += await …`: that reads `written` before the await, and writes at
    // other offsets run meanwhile
    const bytesWritten = await onDisk(this.dest, () => writePieces(this.#handle, pieces, offset))
    this.written += bytesWritten
    this.#unflushed += bytesWritten
    if (this.#unflushed >= EXPORT_FLUSH_BYTES && this.#flushing === undefined) this.#flush()
  }

  /**
   * Starts writing what the file holds so far to the disk while more arrives, so `commit`'s
   * sync has only the tail left (a 1 GiB file's sync took ~0.5 s, 8 % of its download).
   */
  #flush(): void {
    this.#unflushed = 0
    this.#flushing = this.#handle.datasync().then(
      () => {
        this.#flushing = undefined
      },
      (err: unknown) => {
        this.#flushError ??= err
        this.#flushing = undefined
      }
    )
  }

  async commit(): Promise<void> {
    try {
      await this.#flushing
      const flushError = this.#flushError
      if (flushError !== undefined) await onDisk(this.dest, () => Promise.reject(flushError))
      await onDisk(this.dest, () => this.#handle.sync())
      await this.#handle.close()
      await onDisk(this.dest, () => rename(this.#tmp, this.dest))
    } catch (err) {
      await this.discard()
      throw err
    }
  }

  async discard(): Promise<void> {
    await this.#flushing
    await this.#handle.close().catch(() => {})
    await rm(this.#tmp, { force: true }).catch(() => {})
  }
}
