import { randomBytes } from 'node:crypto'
import { EventEmitter } from 'node:events'
import { mkdir, rm } from 'node:fs/promises'
import { basename, join } from 'node:path'
import type { Helia } from 'helia'
import type { Logger } from '../../protocols/common/logger.js'
import { writeFileAtomically } from '../files/atomic-write.js'
import { parseCid } from '../files/cid.js'
import { FileUnreadableError } from '../files/errors.js'
import { listFolder } from '../files/import.js'
import { readFileChunks, statForImport } from '../files/local-file.js'
import { holdPin, releasePin } from '../pins/index.js'
import { assetBody, collectGarbage, exportFolder } from './asset-export.js'
import { type FetchAssetOptions, fetchAssetBlocks } from './asset-fetch.js'
import { type ImportContext, type Imported, importFileStream, importFolderTree } from './asset-import.js'
import { AssetIndex, type VersionChange } from './asset-index.js'
import { type Recording, recordAsset } from './asset-recording.js'
import {
  type AddOptions,
  type AssetStoreComponents,
  type AssetStoreOptions,
  type AssetView,
  checkAssetName,
  view
} from './asset-types.js'
import { AssetWatches, type WatchOptions, type WatchSync } from './asset-watches.js'
import { ASSET_STAGING_DIR, ASSETS_DB_DIR, MAX_ARCHIVE_ENTRIES } from './constants.js'
import { AssetNotFoundError, CompressedInputError, QuotaExceededError } from './errors.js'
import { type AssetProgress, ProgressMeter } from './progress.js'
import type { AssetKind, AssetRecord, ImportMarker, WatchRecord } from './records.js'
import { unpackTar } from './tar.js'

interface InFlight {
  marker: ImportMarker
  meter: ProgressMeter
  totalBytes?: number
  done: Promise<unknown>
}

/**
 * The node's assets: files and folders imported into helia (optionally compressed), indexed
 * in level, pinned or not, fetched back decompressed. Enforces the storage quota.
 * Emits 'progress' (AssetProgress) for every import and export.
 */
export class AssetStore {
  readonly events = new EventEmitter<{ progress: [AssetProgress] }>()
  readonly #opts: AssetStoreOptions
  readonly #helia: Helia
  readonly #log: Logger
  #index?: AssetIndex
  #usedBytes = 0
  readonly #inflight = new Map<string, InFlight>()
  #gc?: Promise<unknown>
  /** Imports a crash interrupted, found (and cleared) at start. */
  interrupted: ImportMarker[] = []
  readonly #watches: AssetWatches

  constructor(opts: AssetStoreOptions, components: AssetStoreComponents) {
    this.#opts = opts
    this.#helia = components.helia
    this.#log = components.logger
    this.#watches = new AssetWatches(opts.watch ?? {}, {
      index: () => this.#idx,
      importVersion: (what, o, run, version) => this.#import(what, o, run, version),
      has: async (cid) => this.#helia.blockstore.has(parseCid(cid)),
      logger: components.logger
    })
  }

  async start(): Promise<void> {
    const { index, interrupted } = await AssetIndex.open(join(this.#opts.dataDir, ASSETS_DB_DIR))
    this.#index = index
    this.interrupted = interrupted
    for (const m of interrupted) {
      this.#log.warn('an asset import was interrupted (node stopped mid-way); nothing of it was recorded', {
        name: m.name
      })
      if (m.cid === undefined || (await index.get(m.cid)) !== undefined) continue
      const root = parseCid(m.cid)
      await releasePin(this.#helia.pins, root, 'asset')
    }
    await index.clearImports(interrupted.map((m) => m.id))
    this.#usedBytes = (await index.list()).reduce((sum, r) => sum + r.storedBytes, 0)
    // folder uploads unpacked before a crash: nothing refers to them
    await rm(join(this.#opts.dataDir, ASSET_STAGING_DIR), { recursive: true, force: true })
    await this.#watches.start()
  }

  async stop(): Promise<void> {
    await this.#watches.stop()
    await Promise.allSettled([...this.#inflight.values()].map((f) => f.done))
    await this.#gc?.catch(() => {})
    await this.#index?.close()
    this.#index = undefined
  }

  get #recording(): Recording {
    return { index: this.#idx, pins: this.#helia.pins }
  }

  get #idx(): AssetIndex {
    if (this.#index === undefined) throw new Error('the asset store is not started')
    return this.#index
  }

  /** Bytes of asset content stored (and being imported), the quota, and what is free. */
  usage(): { usedBytes: number; quotaBytes: number; freeBytes?: number } {
    const used = this.#usedBytes + [...this.#inflight.values()].reduce((s, f) => s + f.meter.storedBytes, 0)
    const quota = this.#opts.quotaBytes
    return { usedBytes: used, quotaBytes: quota, ...(quota > 0 && { freeBytes: Math.max(0, quota - used) }) }
  }

  /** Adds a local file or folder. */
  async add(path: string, opts: AddOptions = {}): Promise<AssetRecord> {
    const info = await statForImport(path)
    const name = checkAssetName(opts.name ?? basename(path))
    if (info.isDirectory()) {
      const entries = await listFolder(path)
      const total = entries.reduce((s, e) => s + e.size, 0)
      return this.#import(
        { name, path, kind: 'folder', mtime: info.mtimeMs, totalBytes: total },
        opts,
        (ctx) => importFolderTree(ctx, path, entries)
      )
    }
    if (!info.isFile()) throw new FileUnreadableError(path, 'only regular files and folders can be added')
    return this.#import(
      { name, path, kind: 'file', mtime: info.mtimeMs, totalBytes: info.size },
      opts,
      (ctx) =>
        importFileStream(
          ctx,
          name,
          readFileChunks(path, () => {})
        )
    )
  }

  /** Adds one file from a byte stream (an upload); `size` when the sender declared it. */
  async addStream(
    name: string,
    source: AsyncIterable<Uint8Array>,
    opts: AddOptions & { size?: number } = {}
  ): Promise<AssetRecord> {
    checkAssetName(name)
    return this.#import(
      { name, path: '', kind: 'file', mtime: Date.now(), totalBytes: opts.size },
      opts,
      (ctx) => importFileStream(ctx, name, source)
    )
  }

  /** Adds a folder sent as a tar stream: unpacked under the data dir, imported, then removed. */
  async addArchive(
    name: string,
    tar: AsyncIterable<Uint8Array>,
    opts: AddOptions & { maxEntries?: number } = {}
  ): Promise<AssetRecord> {
    checkAssetName(name)
    const staging = join(this.#opts.dataDir, ASSET_STAGING_DIR, `folder-${randomBytes(6).toString('hex')}`)
    const root = join(staging, name)
    try {
      await mkdir(root, { recursive: true })
      // uncompressed, the folder is stored as large as it arrives: refuse it before the disk fills
      const { usedBytes, quotaBytes, freeBytes } = this.usage()
      await unpackTar(tar, root, opts.maxEntries ?? MAX_ARCHIVE_ENTRIES, (unpacked) => {
        if (opts.compress === 'none' && freeBytes !== undefined && unpacked > freeBytes) {
          throw new QuotaExceededError(name, undefined, usedBytes, quotaBytes)
        }
      })
      const { maxEntries: _, ...addOpts } = opts
      const record = await this.add(root, { ...addOpts, name })
      return record
    } finally {
      await rm(staging, { recursive: true, force: true })
    }
  }

  /**
   * Imports a local file or folder and keeps it imported: every change to it makes a new
   * version of the asset (only changed files are read again, chunked content-defined), which
   * replaces the previous one in the listing.
   */
  async watch(path: string, opts: WatchOptions = {}): Promise<WatchSync> {
    const info = await statForImport(path)
    if (opts.name !== undefined) checkAssetName(opts.name)
    else checkAssetName(basename(path))
    if (!info.isDirectory() && !info.isFile())
      throw new FileUnreadableError(path, 'only regular files and folders can be watched')
    return this.#watches.add(path, info.isDirectory() ? 'folder' : 'file', opts)
  }

  /** Rescans a watched asset now (changes are also picked up by themselves). */
  async syncWatch(id: string): Promise<WatchSync> {
    return this.#watches.sync(id)
  }

  /** Stops watching; the asset stays as its last version. */
  async unwatch(id: string): Promise<WatchRecord> {
    return this.#watches.remove(id)
  }

  async watches(): Promise<WatchRecord[]> {
    return this.#watches.list()
  }

  async #import(
    what: { name: string; path: string; kind: AssetKind; mtime: number; totalBytes?: number },
    opts: AddOptions,
    run: (ctx: ImportContext) => Promise<Imported>,
    version?: (record: AssetRecord) => VersionChange
  ): Promise<AssetRecord> {
    while (this.#gc !== undefined) await this.#gc.catch(() => {})
    const quota = this.#opts.quotaBytes
    if (quota > 0 && opts.compress === 'none' && what.totalBytes !== undefined) {
      const { usedBytes } = this.usage()
      if (usedBytes + what.totalBytes > quota)
        throw new QuotaExceededError(what.name, what.totalBytes, usedBytes, quota)
    }
    const marker: ImportMarker = {
      id: randomBytes(8).toString('hex'),
      name: what.name,
      path: what.path,
      kind: what.kind,
      startedAt: Date.now()
    }
    const meter = new ProgressMeter('import', what.name, what.totalBytes, (p) => {
      opts.onProgress?.(p)
      this.events.emit('progress', p)
    })
    const ctx: ImportContext = {
      helia: this.#helia,
      mode: opts.compress ?? 'auto',
      meter,
      signal: opts.signal,
      onStored: () => {
        if (quota <= 0) return
        const { usedBytes } = this.usage()
        if (usedBytes > quota) throw new QuotaExceededError(what.name, what.totalBytes, usedBytes, quota)
      }
    }
    const work = (async () => {
      await this.#idx.begin(marker)
      try {
        const imported = await run(ctx)
        const previous = await this.#idx.get(imported.cid)
        const record: AssetRecord = {
          cid: imported.cid,
          name: what.name,
          path: what.path,
          kind: what.kind,
          size: imported.size,
          storedBytes: imported.storedBytes,
          chunks: imported.chunks,
          chunking: imported.chunking,
          codec: imported.codec,
          ...(imported.compressedFiles !== undefined && { compressedFiles: imported.compressedFiles }),
          pinned: opts.pin === true || previous?.pinned === true,
          mtime: Math.round(what.mtime),
          addedAt: Date.now()
        }
        const change = version?.(record)
        if (change !== undefined) record.watchId = change.watch.id
        const { replaced } = await recordAsset(this.#recording, marker, record, {
          change,
          signal: opts.signal
        })
        this.#usedBytes += record.storedBytes - (previous?.storedBytes ?? 0) - (replaced?.storedBytes ?? 0)
        meter.done(record.cid)
        this.#log.info('asset added', { name: record.name, cid: record.cid, codec: record.codec })
        return record
      } catch (err) {
        await this.#idx.abandon(marker.id).catch(() => {})
        throw err
      }
    })()
    this.#inflight.set(marker.id, { marker, meter, totalBytes: what.totalBytes, done: work })
    try {
      return await work
    } finally {
      this.#inflight.delete(marker.id)
    }
  }

  /**
   * Fetches a file or folder by CID from peers (several at once; blocks already here are not
   * fetched again) and records it as an asset, raw (codec none). Progress goes to 'progress'
   * with phase 'fetch'. An asset already here is returned as it is.
   */
  async fetch(
    cid: string,
    opts: FetchAssetOptions & Pick<AddOptions, 'pin' | 'onProgress'> = {}
  ): Promise<AssetRecord> {
    const root = parseCid(cid).toString()
    const known = await this.#idx.get(root)
    if (known !== undefined) return known
    const meter = new ProgressMeter('fetch', opts.name ?? root, undefined, (p) => {
      opts.onProgress?.(p)
      this.events.emit('progress', p)
    })
    const fetched = await fetchAssetBlocks(this.#helia, root, meter, opts)
    const name = checkAssetName(fetched.name)
    const { usedBytes } = this.usage()
    const quota = this.#opts.quotaBytes
    // the blocks stay unpinned and unrecorded: gc frees them
    if (quota > 0 && usedBytes + fetched.storedBytes > quota) {
      throw new QuotaExceededError(name, fetched.storedBytes, usedBytes, quota)
    }
    const marker: ImportMarker = {
      id: randomBytes(8).toString('hex'),
      name,
      path: '',
      kind: fetched.kind,
      startedAt: Date.now(),
      cid: root
    }
    await this.#idx.begin(marker)
    const record: AssetRecord = { ...fetched, name, pinned: opts.pin === true, addedAt: Date.now() }
    await recordAsset(this.#recording, marker, record, { signal: opts.signal })
    this.#usedBytes += record.storedBytes
    meter.done(root)
    this.#log.info('asset fetched', { name, cid: root, bytes: record.size })
    return record
  }

  /** Complete assets, newest first, after the imports under way. */
  async list(): Promise<AssetView[]> {
    const importing: AssetView[] = [...this.#inflight.values()].map((f) => ({
      cid: null,
      name: f.marker.name,
      path: f.marker.path,
      kind: f.marker.kind,
      size: f.totalBytes ?? f.meter.bytes,
      storedBytes: f.meter.storedBytes,
      chunks: f.meter.snapshot().blocks,
      codec: 'none',
      pinned: false,
      mtime: f.marker.startedAt,
      addedAt: f.marker.startedAt,
      status: 'importing',
      ...(f.totalBytes !== undefined &&
        f.totalBytes > 0 && { completion: Math.min(1, f.meter.bytes / f.totalBytes) })
    }))
    const complete = (await this.#idx.list()).sort((a, b) => b.addedAt - a.addedAt).map((r) => view(r))
    return [...importing, ...complete]
  }

  async get(cid: string): Promise<AssetRecord | undefined> {
    return this.#idx.get(parseCid(cid).toString())
  }

  /** The asset, or AssetNotFoundError (ERR_INVALID_CID for a string that is no CID). */
  async require(cid: string): Promise<AssetRecord> {
    const record = await this.get(cid)
    if (record === undefined) throw new AssetNotFoundError(cid)
    return record
  }

  /**
   * The asset's original bytes as a stream: a file decompressed, a folder as a tar stream
   * (its files decompressed).
   */
  async content(
    cid: string,
    opts: { signal?: AbortSignal } = {}
  ): Promise<{ record: AssetRecord; body: AsyncIterable<Uint8Array> }> {
    const record = await this.require(cid)
    const meter = new ProgressMeter('export', record.name, record.size, (p) =>
      this.events.emit('progress', p)
    )
    return { record, body: assetBody(this.#helia, record, meter, opts.signal) }
  }

  /** Writes the asset's original content to `dest`: a file, or a folder tree (which must not exist or be empty). */
  async exportTo(cid: string, dest: string): Promise<AssetRecord> {
    const record = await this.require(cid)
    if (record.kind === 'file') {
      const { body } = await this.content(cid)
      await writeFileAtomically(dest, body, () => {})
      return record
    }
    await exportFolder(this.#helia, record, dest)
    return record
  }

  async pin(cid: string): Promise<AssetRecord> {
    const record = await this.require(cid)
    const root = parseCid(record.cid)
    await holdPin(this.#helia.pins, root, 'asset')
    const next = { ...record, pinned: true }
    await this.#idx.put(next)
    return next
  }

  async unpin(cid: string): Promise<AssetRecord> {
    const record = await this.require(cid)
    const root = parseCid(record.cid)
    await releasePin(this.#helia.pins, root, 'asset')
    const next = { ...record, pinned: false }
    await this.#idx.put(next)
    return next
  }

  /** Drops the asset from the index and unpins it; `gc` then frees its blocks. */
  async rm(cid: string): Promise<AssetRecord> {
    let record = await this.require(cid)
    if (record.watchId !== undefined) {
      // a rescan under way may have recorded a newer version: that is the one to remove
      const ended = await this.#watches.remove(record.watchId, false).catch(() => undefined)
      if (ended !== undefined && ended.cid !== record.cid) record = (await this.#idx.get(ended.cid)) ?? record
    }
    const root = parseCid(record.cid)
    await releasePin(this.#helia.pins, root, 'asset')
    await this.#idx.delete(record.cid)
    this.#usedBytes -= record.storedBytes
    return record
  }

  /**
   * Deletes every block no pin holds (helia's gc), waiting for imports under way and holding
   * new ones back meanwhile. Unpinned assets whose blocks went are dropped from the index.
   */
  async gc(): Promise<{ freedBytes: number; removedAssets: string[] }> {
    while (this.#gc !== undefined) await this.#gc.catch(() => {})
    const endedWatches: string[] = []
    const run = (async () => {
      await Promise.allSettled([...this.#inflight.values()].map((f) => f.done))
      const freedBytes = await collectGarbage(this.#helia)
      const removedAssets: string[] = []
      for (const r of await this.#idx.list()) {
        if (r.pinned || (await this.#helia.blockstore.has(parseCid(r.cid)))) continue
        if (r.watchId !== undefined) endedWatches.push(r.watchId)
        await this.#idx.delete(r.cid)
        this.#usedBytes -= r.storedBytes
        removedAssets.push(r.cid)
      }
      return { freedBytes, removedAssets }
    })()
    this.#gc = run
    try {
      return await run
    } finally {
      this.#gc = undefined
      // after gc lets imports run again: ending a watch waits for its rescan, which may be
      // waiting for gc
      for (const id of endedWatches) {
        this.#log.warn('gc collected an unpinned watched asset; its watch ends', { watchId: id })
        await this.#watches.remove(id, false).catch(() => {})
      }
    }
  }

  /**
   * Refuses a job input that is a compressed asset: workers would get compressed bytes.
   * CIDs that are no asset of this node (fetched from elsewhere) pass.
   */
  async checkJobInput(cid: string): Promise<void> {
    let record: AssetRecord | undefined
    try {
      record = await this.get(cid)
    } catch {
      return // not a CID: the job spec's own validation says so
    }
    if (record !== undefined && record.codec !== 'none') {
      throw new CompressedInputError(record.cid, record.name, record.codec)
    }
  }
}
