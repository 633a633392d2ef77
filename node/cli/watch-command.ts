import { resolve } from 'node:path'
import { parseCompressMode } from '../../storage/assets/index.js'
import type { WatchView } from '../api/watch-routes.js'
import { apiRequest } from './api-client.js'
import { type Flags, UsageError } from './args.js'
import { EXIT } from './exit-codes.js'
import type { Output } from './output.js'

type SyncView = WatchView & { updated: boolean; changed: string[]; removed: string[] }

function lastChangeText(w: WatchView): string {
  if (w.lastChange === undefined) return 'first version'
  const { changed, removed } = w.lastChange
  const parts = [
    ...(changed.length > 0 ? [`changed ${changed.map((p) => p || w.name).join(', ')}`] : []),
    ...(removed.length > 0 ? [`removed ${removed.join(', ')}`] : [])
  ]
  return parts.length > 0 ? parts.join('; ') : 'folders added or removed'
}

/**
 * `assets add <path> --watch`: the running node imports the path itself (it is on this
 * machine) and keeps it imported; each change becomes a new version of the asset.
 */
export async function addWatched(dataDir: string, path: string, flags: Flags, out: Output): Promise<number> {
  const compress = parseCompressMode(typeof flags.compress === 'string' ? flags.compress : 'auto')
  const w = await apiRequest<SyncView>(dataDir, 'POST', '/assets/watches', {
    json: { path: resolve(path), compress }
  })
  out.result(
    w,
    `${w.cid}\nwatching ${w.kind} ${w.name} (${w.files} files, version ${w.version}): the node re-imports ` +
      `what changes and logs which files did; see \`rynus-node assets watches\`, stop with ` +
      `\`rynus-node assets unwatch ${w.id}\``
  )
  return EXIT.OK
}

export async function listWatches(dataDir: string, out: Output): Promise<number> {
  const { watches } = await apiRequest<{ watches: WatchView[] }>(dataDir, 'GET', '/assets/watches')
  const text =
    watches.length === 0
      ? 'nothing watched; watch a folder with `rynus-node assets add <folder> --watch`'
      : watches
          .map((w) =>
            [
              w.id,
              `v${w.version}`.padEnd(5),
              w.cid.padEnd(59),
              w.path,
              `(${lastChangeText(w)}, ${new Date(w.updatedAt).toISOString()})`
            ].join('  ')
          )
          .join('\n')
  out.result({ watches }, text)
  return EXIT.OK
}

export async function unwatch(dataDir: string, positionals: string[], out: Output): Promise<number> {
  const id = positionals[1]
  if (id === undefined)
    throw new UsageError('missing the watch id; list them with `rynus-node assets watches`')
  const { stopped } = await apiRequest<{ stopped: WatchView }>(
    dataDir,
    'DELETE',
    `/assets/watches/${encodeURIComponent(id)}`
  )
  out.result(
    { stopped },
    `stopped watching ${stopped.path}; the asset stays as version ${stopped.version} (${stopped.cid})`
  )
  return EXIT.OK
}
