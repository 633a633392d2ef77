import type { ServerResponse } from 'node:http'
import { Readable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import { unixfs } from '@helia/unixfs'
import * as dagPb from '@ipld/dag-pb'
import type { Helia } from 'helia'
import type { CID } from 'multiformats/cid'
import * as json from 'multiformats/codecs/json'
import * as raw from 'multiformats/codecs/raw'
import { encodeCar, readBlock, walkDag } from '../../storage/car/index.js'
import {
  CAR_RESPONSE_TYPE,
  GATEWAY_MAX_LISTING_ENTRIES,
  IMMUTABLE_CACHE_CONTROL,
  RAW_CONTENT_TYPE
} from './constants.js'
import { sniffContentType } from './content-type.js'
import { contentDisposition, type GatewayRefusal, type GatewayRequest } from './request.js'

export interface ServeContext {
  helia: Pick<Helia, 'blockstore' | 'getCodec'>
  req: GatewayRequest
  /** HEAD: the same headers, no body. */
  head: boolean
  /** Ends with the request (timeout, client gone, node stopping). */
  signal: AbortSignal
  /** The request's If-None-Match header. */
  ifNoneMatch?: string
  res: ServerResponse
}

/** Thrown before any header is sent: answered as plain text with its status. */
export class GatewayAnswer extends Error implements GatewayRefusal {
  readonly status: number
  constructor(status: number, message: string) {
    super(message)
    this.status = status
  }
}

function notStored(cid: CID): GatewayAnswer {
  return new GatewayAnswer(
    404,
    `${cid} is not stored on this gateway; it serves only data its node keeps (such as pinned job data) and never fetches from the network`
  )
}

/** `/ipfs/<cid>[/<path>]` as asked, names percent-encoded. */
function ipfsPath(req: GatewayRequest): string {
  const root = req.root ?? req.cid
  return [`/ipfs/${root}`, ...req.path.map(encodeURIComponent)].join('/')
}

/** The headers every content answer carries (trustless gateway spec). */
function headers(ctx: ServeContext, etag: string, type: string, extra: Record<string, string | number> = {}) {
  return {
    'content-type': type,
    etag,
    'cache-control': IMMUTABLE_CACHE_CONTROL,
    'x-content-type-options': 'nosniff',
    'x-ipfs-path': ipfsPath(ctx.req),
    // the CID asked for and the one its path leads to
    'x-ipfs-roots': [...new Set([String(ctx.req.root ?? ctx.req.cid), String(ctx.req.cid)])].join(','),
    vary: 'Accept',
    'access-control-allow-origin': '*',
    ...extra
  }
}

/** Answers 304 when the client already has this exact answer. */
function notModified(ctx: ServeContext, etag: string): boolean {
  if (ctx.ifNoneMatch === undefined) return false
  const tags = ctx.ifNoneMatch.split(',').map((t) => t.trim().replace(/^W\//, ''))
  if (!tags.includes(etag) && !tags.includes('*')) return false
  ctx.res.writeHead(304, { etag, 'cache-control': IMMUTABLE_CACHE_CONTROL, vary: 'Accept' })
  ctx.res.end()
  return true
}

async function send(
  ctx: ServeContext,
  status: number,
  head: Record<string, string | number>,
  body: AsyncIterable<Uint8Array>
): Promise<void> {
  ctx.res.writeHead(status, head)
  if (ctx.head) {
    ctx.res.end()
    return
  }
  await pipeline(Readable.from(body, { objectMode: false }), ctx.res, { signal: ctx.signal })
}

async function* once(bytes: Uint8Array): AsyncGenerator<Uint8Array> {
  yield bytes
}

/**
 * Follows `ctx.req.path` from the asked CID through UnixFS folders (HAMT-sharded ones too):
 * afterwards `ctx.req.cid` is where the path leads, `root` the CID asked for and `pathBlocks`
 * every block read on the way. A name that is not there answers 404.
 */
export async function resolvePath(ctx: ServeContext): Promise<void> {
  const { cid: root, path } = ctx.req
  if (path.length === 0) return
  if (!(await ctx.helia.blockstore.has(root))) throw notStored(root)
  if (root.code !== dagPb.code) {
    throw new GatewayAnswer(404, `${root} is not a folder; nothing is inside it at /${path.join('/')}`)
  }
  const read: CID[] = []
  const seen = new Set<string>()
  const store = ctx.helia.blockstore
  // the blocks unixfs reads while it walks, in order: the path's proof for a CAR
  const recording = Object.create(store, {
    get: {
      value: (cid: CID, options?: object) => {
        if (!seen.has(cid.toString())) {
          seen.add(cid.toString())
          read.push(cid)
        }
        return store.get(cid, options)
      }
    }
  }) as typeof store
  const fs = unixfs(Object.create(ctx.helia, { blockstore: { value: recording } }) as Helia)
  let target: CID
  try {
    // unixfs resolves `file/extra` to the file: the path's last folder must be a folder
    const options = { offline: true as const, signal: ctx.signal }
    const parentPath = path.slice(0, -1).join('/')
    const parent = await fs.stat(root, { ...options, ...(parentPath !== '' && { path: parentPath }) })
    if (parent.type !== 'directory') throw new GatewayAnswer(404, nothingAt(root, path))
    target = (await fs.stat(root, { ...options, path: path.join('/') })).cid
  } catch (err) {
    const name = (err as Error | undefined)?.name
    // a missing name, or a file (not a folder) somewhere along the path
    const nothing = ['DoesNotExistError', 'NotADirectoryError', 'NotFoundError', 'NotUnixFSError']
    if (name !== undefined && nothing.includes(name)) throw new GatewayAnswer(404, nothingAt(root, path))
    throw err
  }
  ctx.req = { ...ctx.req, cid: target, root, pathBlocks: read.filter((c) => !c.equals(target)) }
}

function nothingAt(root: CID, path: string[]): string {
  return `nothing at /ipfs/${root}/${path.join('/')}; list the folder at /ipfs/${root}`
}

/** `application/vnd.ipld.raw`: the one block, whatever its codec. */
export async function serveRaw(ctx: ServeContext): Promise<void> {
  const { cid } = ctx.req
  if (!(await ctx.helia.blockstore.has(cid))) throw notStored(cid)
  const etag = `"${cid}.raw"`
  if (notModified(ctx, etag)) return
  const bytes = await readBlock(ctx.helia, cid, { offline: true, signal: ctx.signal })
  const name = ctx.req.filename ?? `${cid}.bin`
  await send(
    ctx,
    200,
    headers(ctx, etag, RAW_CONTENT_TYPE, {
      'content-length': bytes.byteLength,
      'content-disposition': contentDisposition('attachment', name)
    }),
    once(bytes)
  )
}

/** `application/vnd.ipld.car`: the whole DAG as a CARv1, streamed; a block missing midway cuts the response. */
export async function serveCar(ctx: ServeContext): Promise<void> {
  const { cid, root = cid, pathBlocks = [] } = ctx.req
  if (!(await ctx.helia.blockstore.has(cid))) throw notStored(cid)
  const path = ctx.req.path.map(encodeURIComponent).join('/')
  const etag = pathBlocks.length > 0 ? `"${root}/${path}.car"` : `"${cid}.car"`
  if (notModified(ctx, etag)) return
  const name = ctx.req.filename ?? `${cid}.car`
  const helia = ctx.helia
  const signal = ctx.signal
  // for a path: the root and the folder blocks it runs through, then the DAG it leads to
  async function* blocks(): AsyncGenerator<{ cid: CID; bytes: Uint8Array }> {
    for (const step of pathBlocks)
      yield { cid: step, bytes: await readBlock(helia, step, { offline: true, signal }) }
    yield* walkDag(helia, cid, { offline: true, signal })
  }
  await send(
    ctx,
    200,
    headers(ctx, etag, CAR_RESPONSE_TYPE, { 'content-disposition': contentDisposition('attachment', name) }),
    ctx.head ? once(new Uint8Array()) : encodeCar([root], blocks())
  )
}

/** A plain GET: a UnixFS file's bytes, a folder's listing, or a JSON block (a job spec) as JSON. */
export async function serveFile(ctx: ServeContext): Promise<void> {
  const { cid } = ctx.req
  if (!(await ctx.helia.blockstore.has(cid))) throw notStored(cid)
  const etag = `"${cid}"`
  if (notModified(ctx, etag)) return
  if (cid.code === json.code) {
    const bytes = await readBlock(ctx.helia, cid, { offline: true, signal: ctx.signal })
    await send(
      ctx,
      200,
      headers(ctx, etag, 'application/json', { 'content-length': bytes.byteLength }),
      once(bytes)
    )
    return
  }
  if (cid.code !== dagPb.code && cid.code !== raw.code) {
    throw new GatewayAnswer(406, `${cid} is not UnixFS data; ask for it with ?format=raw or ?format=car`)
  }
  const fs = unixfs(ctx.helia as Helia)
  const read = { offline: true, signal: ctx.signal }
  const stat = await fs.stat(cid, read)
  if (stat.type === 'directory') {
    const lines: string[] = []
    for await (const entry of fs.ls(cid, read)) {
      if (lines.length >= GATEWAY_MAX_LISTING_ENTRIES) break
      lines.push(`${entry.name}\t/ipfs/${entry.cid}`)
    }
    const text = new TextEncoder().encode(`${lines.join('\n')}\n`)
    await send(
      ctx,
      200,
      headers(ctx, etag, 'text/plain; charset=utf-8', { 'content-length': text.byteLength }),
      once(text)
    )
    return
  }
  const chunks = fs.cat(cid, read)[Symbol.asyncIterator]()
  const first = await chunks.next()
  const head = first.done === true ? new Uint8Array() : first.value
  async function* body(): AsyncGenerator<Uint8Array> {
    if (head.byteLength > 0) yield head
    for (let next = await chunks.next(); next.done !== true; next = await chunks.next()) yield next.value
  }
  const disposition = ctx.req.filename ?? (ctx.req.download ? cid.toString() : undefined)
  await send(
    ctx,
    200,
    headers(ctx, etag, sniffContentType(head), {
      'content-length': Number(stat.size),
      ...(disposition !== undefined && {
        'content-disposition': contentDisposition(ctx.req.download ? 'attachment' : 'inline', disposition)
      })
    }),
    body()
  )
  if (ctx.head) await chunks.return?.()
}
