import { once } from 'node:events'
import type { IncomingMessage } from 'node:http'
import { Readable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import { RynusError } from '../../protocols/common/errors.js'
import {
  AssetNameError,
  type AssetRecord,
  type AssetStore,
  type AssetView,
  type CompressMode,
  checkAssetName,
  parseCompressMode
} from '../../storage/assets/index.js'
import { MAX_FOLDER_ENTRIES, MAX_UPLOAD_BYTES } from './constants.js'
import { BadRequestError, PayloadTooLargeError } from './errors.js'
import type { ApiServer } from './server.js'
import { registerWatchRoutes } from './watch-routes.js'

export interface AssetRouteDeps {
  /** The node's asset store; undefined on a node without a data store. */
  assets: () => AssetStore | undefined
  /**
   * What gc would break now (jobs or tasks under way, whose specs, inputs and results are
   * unpinned blocks), or undefined when it is safe.
   */
  busy?: () => Promise<string | undefined>
}

export class GcBusyError extends RynusError {
  constructor(what: string) {
    super(
      `not collecting garbage now: ${what}, and gc would delete their unpinned data (specs, inputs, results); ` +
        'run `rynus-node assets gc` again when they have finished',
      'ERR_GC_BUSY'
    )
  }
}

function storeOf(deps: AssetRouteDeps): AssetStore {
  const store = deps.assets()
  if (store === undefined) {
    throw new BadRequestError('this node has no data store (started bare); start it normally to add assets')
  }
  return store
}

/** What the API shows of an asset (never the per-file compression map). */
export function assetView(r: AssetRecord | AssetView): AssetView {
  if ('status' in r) return r
  const { compressedFiles: _, ...rest } = r
  return { ...rest, status: 'complete', completion: 1 }
}

function uploadName(raw: string | null): string {
  try {
    return checkAssetName(raw ?? '')
  } catch (err) {
    if (!(err instanceof AssetNameError)) throw err
    throw new BadRequestError(
      raw === null || raw === ''
        ? 'give the file name as ?name=scene.blend'
        : `${err.message}; send it as ?name=<file name>`,
      { name: 'required: a file name without / or \\, e.g. scene.blend' }
    )
  }
}

function compressParam(raw: string | null): CompressMode {
  if (raw === null || raw === '') return 'none'
  try {
    return parseCompressMode(raw)
  } catch (err) {
    throw new BadRequestError((err as Error).message, { compress: 'auto, none, gzip or brotli' })
  }
}

function pinParam(raw: string | null): boolean {
  if (raw === null || raw === '' || raw === '0' || raw === 'false') return false
  if (raw === '1' || raw === 'true') return true
  throw new BadRequestError(`pin must be 1 or 0, got "${raw.slice(0, 20)}"`, { pin: '1 or 0' })
}

/**
 * The request body, refused past MAX_UPLOAD_BYTES; streamed, never buffered. Stopping early
 * leaves the connection open, so the error can still be answered (see `drained`).
 */
async function* bounded(source: IncomingMessage): AsyncGenerator<Uint8Array> {
  let received = 0
  for await (const chunk of source.iterator({ destroyOnReturn: false }) as AsyncIterable<Buffer>) {
    received += chunk.byteLength
    if (received > MAX_UPLOAD_BYTES) throw new PayloadTooLargeError(MAX_UPLOAD_BYTES)
    yield chunk
  }
}

/**
 * Reads and drops what is left of an upload (refused, or bytes after a tar's end): HTTP/1.1 clients (fetch, browsers) only
 * read the answer once they have sent the whole body, and a reset connection hides the error.
 */
async function drained(req: IncomingMessage, body: AsyncGenerator<Uint8Array>): Promise<void> {
  // ends the body's reader first: while it listens for 'readable', resume() does nothing
  await body.return(undefined).catch(() => {})
  if (req.complete || req.destroyed) return
  req.resume()
  await once(req, 'end').catch(() => {})
}

function disposition(name: string): string {
  const ascii = name.replace(/[^\x20-\x7e]|["\\]/g, '_')
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(name)}`
}

/**
 * Assets: streamed upload (a file, or a folder as a tar stream), list, one asset, fetch by CID
 * from peers, streamed download (decompressed; a folder as tar), pin/unpin, remove, gc.
 */
export function registerAssetRoutes(api: ApiServer, deps: AssetRouteDeps): void {
  // before `/assets/:cid`, which would take "watches" for a CID
  registerWatchRoutes(api, () => storeOf(deps))

  api.route('POST', '/assets', async (req) => {
    const declared = Number(req.raw.headers['content-length'] ?? Number.NaN)
    if (declared > MAX_UPLOAD_BYTES) throw new PayloadTooLargeError(MAX_UPLOAD_BYTES)
    const body = bounded(req.raw)
    try {
      const q = req.url.searchParams
      const name = uploadName(q.get('name'))
      const compress = compressParam(q.get('compress'))
      const pin = pinParam(q.get('pin'))
      // `folder=true` is the older spelling of `kind=folder` (job submit train --data <folder>)
      const kind = q.get('kind') ?? (q.get('folder') === 'true' ? 'folder' : 'file')
      if (kind !== 'file' && kind !== 'folder') {
        throw new BadRequestError(`kind must be file or folder (a tar stream), got "${kind.slice(0, 20)}"`, {
          kind: 'file or folder'
        })
      }
      const store = storeOf(deps)
      const record =
        kind === 'folder'
          ? await store.addArchive(name, body, { compress, pin, maxEntries: MAX_FOLDER_ENTRIES })
          : await store.addStream(name, body, {
              compress,
              pin,
              ...(Number.isSafeInteger(declared) && { size: declared })
            })
      const { cid, size, storedBytes, codec, pinned, addedAt } = record
      const folder = record.kind === 'folder' ? { folder: true } : {}
      return {
        cid,
        name: record.name,
        size,
        storedBytes,
        codec,
        pinned,
        kind: record.kind,
        addedAt,
        ...folder
      }
    } finally {
      // a refused upload, or bytes after a tar's end marker
      await drained(req.raw, body)
    }
  })

  api.route('GET', '/assets', async () => ({ assets: await storeOf(deps).list() }))

  api.route('POST', '/assets/gc', async () => {
    const store = storeOf(deps)
    const busy = await deps.busy?.()
    if (busy !== undefined) throw new GcBusyError(busy)
    return store.gc()
  })

  api.route('GET', '/assets/:cid', async (req) => assetView(await storeOf(deps).require(req.params.cid)))

  api.route('GET', '/assets/:cid/content', async (req, res) => {
    const controller = new AbortController()
    res.once('close', () => controller.abort())
    const { record, body } = await storeOf(deps).content(req.params.cid, { signal: controller.signal })
    const folder = record.kind === 'folder'
    res.writeHead(200, {
      'content-type': folder ? 'application/x-tar' : 'application/octet-stream',
      ...(!folder && { 'content-length': record.size }),
      'content-disposition': disposition(folder ? `${record.name}.tar` : record.name),
      'x-rynus-asset-kind': record.kind,
      'cache-control': 'no-store'
    })
    try {
      await pipeline(Readable.from(body), res)
    } catch (err) {
      // the client went away mid-download: nothing to answer, nothing to log
      if (controller.signal.aborted && (err as { code?: string }).code === 'ERR_STREAM_PREMATURE_CLOSE') {
        return undefined
      }
      throw err
    }
    return undefined
  })

  // from peers: the blocks this node lacks, several providers at once; progress on the WebSocket
  api.route('POST', '/assets/:cid/fetch', async (req) => {
    const q = req.url.searchParams
    const name = q.get('name')
    return assetView(
      await storeOf(deps).fetch(req.params.cid, {
        pin: pinParam(q.get('pin')),
        ...(name !== null && name !== '' && { name: uploadName(name) })
      })
    )
  })

  api.route('POST', '/assets/:cid/pin', async (req) => assetView(await storeOf(deps).pin(req.params.cid)))

  api.route('DELETE', '/assets/:cid/pin', async (req) => assetView(await storeOf(deps).unpin(req.params.cid)))

  api.route('DELETE', '/assets/:cid', async (req) => ({
    removed: assetView(await storeOf(deps).rm(req.params.cid))
  }))
}
