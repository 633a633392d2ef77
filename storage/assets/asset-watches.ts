import { randomBytes } from 'node:crypto'
import { basename, resolve } from 'node:path'
import type { Logger } from '../../protocols/common/logger.js'
import type { ImportContext, Imported } from './asset-import.js'
import type { AssetIndex, VersionChange } from './asset-index.js'
import type { CompressMode } from './codec.js'
import { WATCH_DEBOUNCE_MS, WATCH_RESCAN_MS } from './constants.js'
import { WatchNotFoundError } from './errors.js'
import { FolderWatcher } from './folder-watcher.js'
import type { AssetKind, AssetRecord, WatchRecord } from './records.js'
import { diffScan, importVersion, scanWatched, withMissingBlocks } from './watch-import.js'

/** Paths a log line names at most. */
const LOGGED_PATHS = 20

/** What the store's import needs to know of a version before it starts. */
export interface VersionWhat {
  name: string
  path: string
  kind: AssetKind
  mtime: number
  totalBytes?: number
}

/**
 * Runs one import through the asset store (marker, quota, pin, progress) and records it
 * together with `version` in one batch.
 */
export type VersionImporter = (
  what: VersionWhat,
  opts: { compress: CompressMode; pin: boolean },
  run: (ctx: ImportContext) => Promise<Imported>,
  version: (record: AssetRecord) => VersionChange
) => Promise<AssetRecord>

export interface WatchTiming {
  debounceMs?: number
  rescanMs?: number
}

export interface WatchOptions {
  name?: string
  compress?: CompressMode
  /** Pin every version (default true); unpinned, gc may collect it and the watch ends. */
  pin?: boolean
}

/** What a rescan of a watched asset found and did. */
export interface WatchSync {
  watch: WatchRecord
  /** The asset's record now (a new one when something changed). */
  record?: AssetRecord
  changed: string[]
  removed: string[]
  /** Whether a new version was recorded. */
  updated: boolean
}

/**
 * The node's watched files and folders: each keeps its asset up to date. A rescan compares
 * sizes and mtimes with the last version, re-imports only the files that changed and links
 * the others by their recorded CIDs; the new version replaces the old one in the index in
 * one batch, so an interrupted re-import leaves the previous version as it was.
 */
export class AssetWatches {
  readonly #timing: Required<WatchTiming>
  readonly #index: () => AssetIndex
  readonly #importVersion: VersionImporter
  readonly #log: Logger
  readonly #has: (cid: string) => Promise<boolean>
  readonly #watchers = new Map<string, FolderWatcher>()
  /** One rescan per watch at a time. */
  readonly #syncs = new Map<string, Promise<WatchSync>>()

  constructor(
    timing: WatchTiming,
    deps: {
      index: () => AssetIndex
      importVersion: VersionImporter
      /** Whether this node holds the block (a file's root) with this CID. */
      has: (cid: string) => Promise<boolean>
      logger: Logger
    }
  ) {
    this.#timing = {
      debounceMs: timing.debounceMs ?? WATCH_DEBOUNCE_MS,
      rescanMs: timing.rescanMs ?? WATCH_RESCAN_MS
    }
    this.#index = deps.index
    this.#importVersion = deps.importVersion
    this.#log = deps.logger
    this.#has = deps.has
  }

  /** Watches again what was watched before the node stopped, catching up on changes made meanwhile. */
  async start(): Promise<void> {
    for (const w of await this.#index().watches()) {
      this.#follow(w)
      this.#watchers.get(w.id)?.schedule()
    }
  }

  async stop(): Promise<void> {
    const watchers = [...this.#watchers.values()]
    this.#watchers.clear()
    await Promise.all(watchers.map((w) => w.stop()))
    await Promise.allSettled(this.#syncs.values())
  }

  async list(): Promise<WatchRecord[]> {
    return this.#index().watches()
  }

  /**
   * Imports `path` and keeps it imported. Watching a path already watched rescans it and
   * returns that watch.
   */
  async add(path: string, kind: AssetKind, opts: WatchOptions = {}): Promise<WatchSync> {
    const absolute = resolve(path)
    const existing = (await this.list()).find((w) => w.path === absolute)
    if (existing !== undefined) return this.sync(existing.id)
    const scan = await scanWatched(absolute, kind)
    const delta = diffScan(scan, undefined)
    const draft: WatchRecord = {
      id: randomBytes(8).toString('hex'),
      path: absolute,
      name: opts.name ?? basename(absolute),
      kind,
      compress: opts.compress ?? 'auto',
      // kept through gc unless asked otherwise: a watch says the asset is wanted
      pin: opts.pin !== false,
      cid: '',
      version: 0,
      files: {},
      dirs: [],
      updatedAt: 0
    }
    const result = await this.#newVersion(draft, scan, delta)
    this.#follow(result.watch)
    // changes made while the first version was being imported
    this.#watchers.get(result.watch.id)?.schedule()
    return result
  }

  /** Rescans a watch now; re-imports when something changed. */
  async sync(id: string): Promise<WatchSync> {
    const before = this.#syncs.get(id)
    const run = (async (): Promise<WatchSync> => {
      await before?.catch(() => {})
      const watch = await this.#index().getWatch(id)
      if (watch === undefined) throw new WatchNotFoundError(id)
      const scan = await scanWatched(watch.path, watch.kind)
      const delta = await withMissingBlocks(diffScan(scan, watch), watch, this.#has)
      if (!delta.any) return { watch, changed: [], removed: [], updated: false }
      return this.#newVersion(watch, scan, delta)
    })()
    this.#syncs.set(id, run)
    try {
      return await run
    } finally {
      if (this.#syncs.get(id) === run) this.#syncs.delete(id)
    }
  }

  /**
   * Stops a watch (waiting for a rescan under way) and returns it as it was last. The asset
   * stays as its last version (`keepAsset`), or the caller removes it.
   */
  async remove(id: string, keepAsset = true): Promise<WatchRecord> {
    if ((await this.#index().getWatch(id)) === undefined) throw new WatchNotFoundError(id)
    await this.#watchers.get(id)?.stop()
    this.#watchers.delete(id)
    await this.#syncs.get(id)?.catch(() => {})
    // as the last rescan left it
    const watch = await this.#index().getWatch(id)
    if (watch === undefined) throw new WatchNotFoundError(id)
    const current = keepAsset ? await this.#index().get(watch.cid) : undefined
    let kept: AssetRecord | undefined
    if (current !== undefined) {
      const { watchId: _, ...rest } = current
      kept = rest
    }
    await this.#index().endWatch(id, kept)
    return watch
  }

  async #newVersion(
    watch: WatchRecord,
    scan: Awaited<ReturnType<typeof scanWatched>>,
    delta: ReturnType<typeof diffScan>
  ): Promise<WatchSync> {
    if (watch.version > 0) {
      // a checkout can touch thousands of files: the log names the first few and counts them all
      this.#log.info('watched asset changed; importing the changed files', {
        name: watch.name,
        changed: delta.changed.slice(0, LOGGED_PATHS),
        removed: delta.removed.slice(0, LOGGED_PATHS),
        changedCount: delta.changed.length,
        removedCount: delta.removed.length
      })
    }
    let files: WatchRecord['files'] = {}
    let next: WatchRecord = watch
    const record = await this.#importVersion(
      {
        name: watch.name,
        path: watch.path,
        kind: watch.kind,
        mtime: scan.mtime,
        totalBytes: delta.changed.reduce((s, p) => s + (scan.files.get(p)?.size ?? 0), 0)
      },
      { compress: watch.compress, pin: watch.pin },
      async (ctx) => {
        const imported = await importVersion(ctx, watch, scan, watch.files, delta)
        files = imported.files
        return imported
      },
      (r) => {
        next = {
          ...watch,
          cid: r.cid,
          version: watch.version + 1,
          files,
          dirs: scan.dirs,
          lastChange: { changed: delta.changed, removed: delta.removed },
          updatedAt: Date.now()
        }
        return { watch: next, ...(watch.cid !== '' && { drop: watch.cid }) }
      }
    )
    this.#log.info('watched asset updated', { name: watch.name, cid: record.cid, version: next.version })
    return { watch: next, record, changed: delta.changed, removed: delta.removed, updated: true }
  }

  #follow(watch: WatchRecord): void {
    if (this.#watchers.has(watch.id)) return
    const watcher = new FolderWatcher({
      path: watch.path,
      kind: watch.kind,
      ...this.#timing,
      onChange: async () => {
        await this.sync(watch.id)
      },
      log: this.#log
    })
    this.#watchers.set(watch.id, watcher)
    watcher.start()
  }
}
