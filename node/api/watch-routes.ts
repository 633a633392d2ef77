import { isAbsolute } from 'node:path'
import {
  type AssetStore,
  type CompressMode,
  parseCompressMode,
  type WatchRecord,
  type WatchSync
} from '../../storage/assets/index.js'
import { BadRequestError } from './errors.js'
import type { ApiServer } from './server.js'

/** What the API shows of a watch (the per-file state stays inside the node). */
export interface WatchView {
  id: string
  path: string
  name: string
  kind: string
  cid: string
  version: number
  files: number
  lastChange?: { changed: string[]; removed: string[] }
  updatedAt: number
}

export function watchView(w: WatchRecord): WatchView {
  return {
    id: w.id,
    path: w.path,
    name: w.name,
    kind: w.kind,
    cid: w.cid,
    version: w.version,
    files: Object.keys(w.files).length,
    ...(w.lastChange !== undefined && { lastChange: w.lastChange }),
    updatedAt: w.updatedAt
  }
}

function syncView(s: WatchSync): WatchView & { updated: boolean; changed: string[]; removed: string[] } {
  return { ...watchView(s.watch), updated: s.updated, changed: s.changed, removed: s.removed }
}

interface WatchBody {
  path: string
  name?: string
  compress: CompressMode
  pin: boolean
}

function parseWatchBody(raw: unknown): WatchBody {
  const body = (raw ?? {}) as Record<string, unknown>
  const path = body.path
  if (typeof path !== 'string' || !isAbsolute(path)) {
    throw new BadRequestError('give the absolute path of the file or folder to watch', {
      path: 'required: an absolute local path on the node, e.g. /home/me/scenes/project'
    })
  }
  if (body.name !== undefined && typeof body.name !== 'string')
    throw new BadRequestError('name must be a string', { name: 'a file name without / or \\' })
  let compress: CompressMode = 'auto'
  if (body.compress !== undefined) {
    try {
      compress = parseCompressMode(String(body.compress))
    } catch (err) {
      throw new BadRequestError((err as Error).message, { compress: 'auto, none, gzip or brotli' })
    }
  }
  if (body.pin !== undefined && typeof body.pin !== 'boolean')
    throw new BadRequestError('pin must be true or false', { pin: 'true or false' })
  // a watched asset is pinned unless the caller says pin: false
  return {
    path,
    ...(typeof body.name === 'string' && { name: body.name }),
    compress,
    pin: body.pin !== false
  }
}

/**
 * Watched assets: `POST /assets/watches` imports a local file or folder (a path on the node's
 * machine) and keeps it imported; list, rescan now, stop. Registered before `/assets/:cid`.
 */
export function registerWatchRoutes(api: ApiServer, store: () => AssetStore): void {
  api.route('POST', '/assets/watches', async (req) => {
    const body = parseWatchBody(await req.json())
    const { path, ...opts } = body
    const result = await store().watch(path, opts)
    return syncView(result)
  })

  api.route('GET', '/assets/watches', async () => ({
    watches: (await store().watches()).map(watchView)
  }))

  api.route('POST', '/assets/watches/:id/sync', async (req) =>
    syncView(await store().syncWatch(req.params.id))
  )

  api.route('DELETE', '/assets/watches/:id', async (req) => ({
    stopped: watchView(await store().unwatch(req.params.id))
  }))
}
