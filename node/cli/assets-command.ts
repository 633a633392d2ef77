import { mkdir, open, readdir, rename, rm, rmdir, stat } from 'node:fs/promises'
import { basename, dirname, resolve } from 'node:path'
import { RynusError } from '../../protocols/common/errors.js'
import {
  type AssetView,
  type CompressMode,
  packTar,
  parseCompressMode,
  type TarEntry,
  unpackTar
} from '../../storage/assets/index.js'
import { freshPartialPath, writeFileAtomically } from '../../storage/files/atomic-write.js'
import { parseCid } from '../../storage/files/cid.js'
import { DestinationError, FileUnreadableError, PathNotFoundError } from '../../storage/files/errors.js'
import { listFolder } from '../../storage/files/import.js'
import { readFileChunks, statForImport } from '../../storage/files/local-file.js'
import { apiDownload, apiRequest, apiTarget, NodeNotRunningError } from './api-client.js'
import { dataDirFrom, type Flags, UsageError } from './args.js'
import { EXIT } from './exit-codes.js'
import type { Output } from './output.js'
import { REMOTE_PIN_USAGE, remotePin } from './remote-pin.js'
import { TransferLine } from './transfer-line.js'
import { formatBytes } from './units.js'
import { addWatched, listWatches, unwatch } from './watch-command.js'

export const ASSETS_USAGE = `rynus-node assets add <file|folder> [--watch] [--compress auto|none|gzip|brotli] [--pin]
       rynus-node assets ls
       rynus-node assets watches | unwatch <id>
       rynus-node assets get <cid> [-o <path>] [--fetch [--pin]]
       rynus-node assets pin <cid> | unpin <cid> | rm <cid>
       rynus-node assets gc
${REMOTE_PIN_USAGE}

add    imports a file or a folder into the running node's store (through its API) and prints its CID.
       --compress auto (default) gzips what is worth it and leaves PNG, JPEG, EXR, MP4, zip, gz…
       as they are; none keeps the bytes as they are (needed for job inputs: workers get raw bytes).
       --pin keeps it through \`assets gc\`.
       --watch: the node imports the path from this machine and keeps it imported: when a file
       changes, only that file is read again (content-defined chunks, so a peer holding the old
       version fetches only the chunks around an edit) and the asset gets a new CID in place of
       the old one, pinned (the previous version's pin goes). The node's log says which files changed.
ls     every asset, newest first: CID, kind, codec, pinned, size, name (and whether it is watched).
get    writes the asset's original content (decompressed) to -o <path> (default: its name here);
       a folder becomes a folder there, which must not exist or be empty. --fetch first fetches a
       CID this node does not hold from its peers (several at once, resuming what an interrupted
       fetch stored) and records it as an asset (--pin keeps it through gc).
pin    keeps an asset through gc; unpin lets gc free it.
rm     drops an asset from the list and unpins it; run \`assets gc\` to free the space.
gc     frees every block no pin holds (unpinned assets go too) and prints the bytes freed;
       it refuses while jobs or tasks are under way: run it again when they have finished.
watches every watched path: id, version, CID, path and what the last version changed.
unwatch stops watching; the asset stays as its last version.

A progress line with rate and ETA is shown on stderr when it is a terminal.`

/** One asset as the API answers `POST /assets`. */
export interface Added {
  cid: string
  name: string
  size: number
  storedBytes: number
  codec: string
  pinned: boolean
  kind: string
}

function cidArg(positionals: string[]): string {
  const value = positionals[1]
  if (value === undefined) throw new UsageError('missing the asset CID; see `rynus-node assets --help`')
  return parseCid(value).toString()
}

/** Fails with one clear line when `path` is missing or cannot be read, before anything is sent. */
async function checkReadable(path: string): Promise<'file' | 'folder'> {
  const info = await statForImport(path)
  if (info.isDirectory()) return 'folder'
  if (!info.isFile()) throw new FileUnreadableError(path, 'only regular files and folders can be added')
  const handle = await open(path, 'r').catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOENT') throw new PathNotFoundError(path)
    throw new FileUnreadableError(path, 'permission denied; check its permissions', { cause: err })
  })
  try {
    await handle.read(Buffer.alloc(1), 0, 1, 0)
  } catch (err) {
    throw new FileUnreadableError(path, `read failed (${(err as Error).message})`, { cause: err })
  } finally {
    await handle.close()
  }
  return 'file'
}

async function* folderTar(root: string): AsyncGenerator<Uint8Array> {
  const entries = await listFolder(root)
  yield* packTar(
    entries.map(
      (e): TarEntry => ({
        path: e.path,
        type: e.kind === 'directory' ? 'directory' : 'file',
        size: e.size,
        ...(e.kind === 'file' && { content: readFileChunks(e.absolute, () => {}) })
      })
    )
  )
}

/**
 * Streams a local file, or a folder as a tar, to the running node (`POST /assets`) with a progress
 * line; what the node answers. Job inputs go up with `compress: 'none'`.
 */
export async function uploadPath(
  dataDir: string,
  path: string,
  opts: { compress: CompressMode; pin?: boolean; label?: string }
): Promise<Added> {
  const kind = await checkReadable(path)
  const name = basename(path)
  // a folder travels as a tar stream: each entry is a 512-byte header and its content padded to 512
  const total =
    kind === 'file'
      ? (await stat(path)).size
      : (await listFolder(path)).reduce((s, e) => s + 512 + Math.ceil(e.size / 512) * 512, 1024)
  const line = new TransferLine(opts.label ?? `adding ${name}`, total)
  let sourceError: unknown
  const source = kind === 'file' ? readFileChunks(path, () => {}) : folderTar(path)
  const body = new ReadableStream<Uint8Array>({
    async pull(controller) {
      try {
        const next = await source.next()
        if (next.done === true) controller.close()
        else {
          line.add(next.value.byteLength)
          controller.enqueue(next.value)
        }
      } catch (err) {
        sourceError = err
        controller.error(err)
      }
    }
  })
  const { base, token } = await apiTarget(dataDir)
  const query = new URLSearchParams({
    name,
    compress: opts.compress,
    kind,
    ...(opts.pin === true && { pin: '1' })
  })
  let res: Response
  try {
    res = await fetch(`${base}/api/v1/assets?${query}`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${token}`,
        'content-type': kind === 'file' ? 'application/octet-stream' : 'application/x-tar',
        ...(kind === 'file' && { 'content-length': String(total) })
      },
      body,
      duplex: 'half'
    } as RequestInit)
  } catch (err) {
    line.end()
    if (sourceError !== undefined) throw sourceError
    throw new NodeNotRunningError(base, { cause: err })
  }
  line.end()
  const parsed = (await res.json()) as Added & { error?: { code: string; message: string } }
  if (!res.ok)
    throw new RynusError(parsed.error?.message ?? `HTTP ${res.status}`, parsed.error?.code ?? 'ERR_API')
  return parsed
}

async function add(dataDir: string, file: string, flags: Flags, out: Output): Promise<number> {
  const compress = parseCompressMode(typeof flags.compress === 'string' ? flags.compress : 'auto')
  const parsed = await uploadPath(dataDir, resolve(file), { compress, pin: flags.pin === true })
  const stored = parsed.codec !== 'none' ? `, ${parsed.codec} ${formatBytes(parsed.storedBytes)} stored` : ''
  out.result(
    parsed,
    `${parsed.cid}\nadded ${parsed.kind} ${parsed.name} (${formatBytes(parsed.size)}${stored})${parsed.pinned ? ', pinned' : ''}`
  )
  return EXIT.OK
}

async function isAbsentOrEmpty(path: string): Promise<boolean> {
  try {
    return (await readdir(path)).length === 0
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'ENOENT'
  }
}

async function get(dataDir: string, cid: string, flags: Flags, out: Output): Promise<number> {
  if (flags.fetch === true) {
    if (!out.json) process.stderr.write(`fetching ${cid} from peers…\n`)
    await apiRequest<AssetView>(dataDir, 'POST', `/assets/${cid}/fetch${flags.pin === true ? '?pin=1' : ''}`)
  }
  const asset = await apiRequest<AssetView>(dataDir, 'GET', `/assets/${cid}`)
  const dest = resolve(typeof flags.output === 'string' ? flags.output : asset.name)
  if (asset.kind === 'folder' && !(await isAbsentOrEmpty(dest))) {
    throw new DestinationError(dest, 'it already exists and is not empty; choose a new folder with -o')
  }
  const res = await apiDownload(dataDir, `/assets/${cid}/content`)
  const line = new TransferLine(`getting ${asset.name}`, asset.kind === 'file' ? asset.size : undefined)
  async function* received(): AsyncGenerator<Uint8Array> {
    for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
      line.add(chunk.byteLength)
      yield chunk
    }
  }
  try {
    if (asset.kind === 'file') await writeFileAtomically(dest, received(), () => {})
    else {
      await mkdir(dirname(dest), { recursive: true })
      const tmp = await freshPartialPath(dest)
      try {
        await mkdir(tmp)
        await unpackTar(received(), tmp, Number.MAX_SAFE_INTEGER, () => {})
        await rmdir(dest).catch(() => {})
        await rename(tmp, dest)
      } finally {
        await rm(tmp, { recursive: true, force: true })
      }
    }
  } finally {
    line.end()
  }
  out.result(
    { cid: asset.cid, kind: asset.kind, path: dest, size: asset.size },
    `wrote ${asset.kind} ${asset.name} (${formatBytes(asset.size)}) to ${dest}`
  )
  return EXIT.OK
}

function listText(assets: AssetView[]): string {
  if (assets.length === 0) return 'no assets yet; add one with `rynus-node assets add <file|folder>`'
  return assets
    .map((a) =>
      [
        (a.cid ?? '(importing)').padEnd(59),
        a.kind.padEnd(6),
        a.codec.padEnd(6),
        (a.pinned ? 'pinned' : '-').padEnd(6),
        formatBytes(a.size).padStart(10),
        a.status === 'importing'
          ? `${a.name} (${Math.round((a.completion ?? 0) * 100)} %)`
          : `${a.name}${a.watchId !== undefined ? ' (watched)' : ''}`
      ].join('  ')
    )
    .join('\n')
}

/** `rynus-node assets add|ls|get|pin|unpin|rm|gc`, all through the running node's API. */
export async function assetsCommand(flags: Flags, out: Output, positionals: string[]): Promise<number> {
  const dataDir = dataDirFrom(flags)
  const sub = positionals[0]
  switch (sub) {
    case 'add': {
      const file = positionals[1]
      if (file === undefined)
        throw new UsageError('missing the file or folder to add; see `rynus-node assets --help`')
      if (flags.watch === true) return addWatched(dataDir, file, flags, out)
      return add(dataDir, file, flags, out)
    }
    case 'ls': {
      const { assets } = await apiRequest<{ assets: AssetView[] }>(dataDir, 'GET', '/assets')
      out.result({ assets }, listText(assets))
      return EXIT.OK
    }
    case 'get':
      return get(dataDir, cidArg(positionals), flags, out)
    case 'watches':
      return listWatches(dataDir, out)
    case 'unwatch':
      return unwatch(dataDir, positionals, out)
    case 'pin':
    case 'unpin': {
      const cid = cidArg(positionals)
      if (flags.remote === true) return remotePin(dataDir, sub, cid, flags, out)
      const a = await apiRequest<AssetView>(dataDir, sub === 'pin' ? 'POST' : 'DELETE', `/assets/${cid}/pin`)
      out.result(a, `${sub === 'pin' ? 'pinned' : 'unpinned'} ${a.name} (${a.cid})`)
      return EXIT.OK
    }
    case 'rm': {
      const cid = cidArg(positionals)
      const res = await apiRequest<{ removed: AssetView }>(dataDir, 'DELETE', `/assets/${cid}`)
      out.result(res, `removed ${res.removed.name} (${cid}); run \`rynus-node assets gc\` to free its space`)
      return EXIT.OK
    }
    case 'gc': {
      const res = await apiRequest<{ freedBytes: number; removedAssets: string[] }>(
        dataDir,
        'POST',
        '/assets/gc'
      )
      const gone =
        res.removedAssets.length > 0 ? `; ${res.removedAssets.length} unpinned assets went with it` : ''
      out.result(res, `freed ${formatBytes(res.freedBytes)}${gone}`)
      return EXIT.OK
    }
    case undefined:
      throw new UsageError(
        'missing an assets command (add, ls, get, pin, unpin, rm, gc, watches, unwatch); see `rynus-node assets --help`'
      )
    default:
      throw new UsageError(
        `unknown assets command "${sub}"; use add, ls, get, pin, unpin, rm, gc, watches or unwatch`
      )
  }
}
