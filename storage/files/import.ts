import type { Dirent } from 'node:fs'
import { lstat, readdir } from 'node:fs/promises'
import { join, relative, sep } from 'node:path'
import { unixfs } from '@helia/unixfs'
import type { Helia } from 'helia'
import type { DirectoryCandidate, FileCandidate } from 'ipfs-unixfs-importer'
import { FileUnreadableError, NotADirectoryError, NotAFileError } from './errors.js'
import { importerOptions } from './importer-options.js'
import { readFileChunks, statForImport } from './local-file.js'
import type { ImportOptions, ImportResult } from './types.js'

function progressCounter(totalBytes: number, opts: ImportOptions): (n: number) => void {
  let bytes = 0
  return (n) => {
    bytes += n
    opts.onProgress?.({ bytes, totalBytes })
  }
}

/**
 * Imports a local file into the node's blockstore as UnixFS (1 MiB raw leaves), reading it
 * chunk by chunk. Returns the root CID and the number of bytes imported.
 */
export async function importFile(
  helia: Helia,
  path: string,
  opts: ImportOptions = {}
): Promise<ImportResult> {
  const info = await statForImport(path)
  if (info.isDirectory()) throw new NotAFileError(path, 'import a folder with importDirectory')
  if (!info.isFile()) throw new FileUnreadableError(path, 'only regular files can be imported')
  let size = 0
  const count = progressCounter(info.size, opts)
  const content = readFileChunks(path, (n) => {
    size += n
    count(n)
  })
  const cid = await unixfs(helia).addByteStream(content, importerOptions(opts.signal))
  return { cid: cid.toString(), size }
}

/** Imports bytes already in memory (small outputs, generated data) as UnixFS. */
export async function importBytes(
  helia: Helia,
  bytes: Uint8Array,
  opts: { signal?: AbortSignal } = {}
): Promise<ImportResult> {
  const cid = await unixfs(helia).addBytes(bytes, importerOptions(opts.signal))
  return { cid: cid.toString(), size: bytes.byteLength }
}

export interface FolderEntry {
  /** Path inside the folder, '/'-separated. */
  path: string
  absolute: string
  kind: 'file' | 'directory'
  size: number
  /** ms: last modification (what a watched folder compares, with the size). */
  mtimeMs: number
}

/** Every file and folder under `root`, sorted by path; links and special files are refused. */
export async function listFolder(root: string): Promise<FolderEntry[]> {
  let dirents: Dirent[]
  try {
    dirents = await readdir(root, { recursive: true, withFileTypes: true })
  } catch (err) {
    throw new FileUnreadableError(root, 'cannot list the folder', { cause: err })
  }
  const out: FolderEntry[] = []
  for (const d of dirents) {
    const absolute = join(d.parentPath, d.name)
    const path = relative(root, absolute).split(sep).join('/')
    if (d.isDirectory()) {
      out.push({ path, absolute, kind: 'directory', size: 0, mtimeMs: 0 })
    } else if (d.isFile()) {
      const info = await lstat(absolute)
      out.push({ path, absolute, kind: 'file', size: info.size, mtimeMs: info.mtimeMs })
    } else {
      throw new FileUnreadableError(
        absolute,
        'it is a symbolic link or special file; only regular files and folders are imported'
      )
    }
  }
  return out.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0))
}

/**
 * Imports a local folder tree as a UnixFS directory (files streamed, empty folders kept).
 * Symbolic links and special files are refused rather than silently dropped.
 */
export async function importDirectory(
  helia: Helia,
  path: string,
  opts: ImportOptions = {}
): Promise<ImportResult> {
  const info = await statForImport(path)
  if (!info.isDirectory()) throw new NotADirectoryError(path, 'import a single file with importFile')
  const entries = await listFolder(path)
  const fs = unixfs(helia)
  if (entries.length === 0) {
    const cid = await fs.addDirectory({}, importerOptions(opts.signal))
    return { cid: cid.toString(), size: 0 }
  }
  let size = 0
  const count = progressCounter(
    entries.reduce((sum, e) => sum + e.size, 0),
    opts
  )
  const candidates = entries.map((e): FileCandidate | DirectoryCandidate =>
    e.kind === 'directory'
      ? { path: e.path }
      : {
          path: e.path,
          content: readFileChunks(e.absolute, (n) => {
            size += n
            count(n)
          })
        }
  )
  let root: string | undefined
  for await (const result of fs.addAll(candidates, {
    ...importerOptions(opts.signal),
    wrapWithDirectory: true
  })) {
    if (result.path === '') root = result.cid.toString()
  }
  if (root === undefined) throw new FileUnreadableError(path, 'the importer produced no root folder')
  return { cid: root, size }
}
