import type { AbstractBatchOperation, AbstractSublevel } from 'abstract-level'
import { Level } from 'level'
import type { AssetRecord, ImportMarker, WatchRecord } from './records.js'

type Db = Level<string, unknown>
type Sub<V> = AbstractSublevel<Db, string | Buffer | Uint8Array, string, V>
type Op = AbstractBatchOperation<Db, string, unknown>

/** Key prefixes of the asset index, in one place. */
const SUBLEVELS = {
  /** root CID → AssetRecord (complete imports only) */
  assets: 'assets',
  /** import id → ImportMarker (imports under way; left over only by a crash) */
  imports: 'asset-imports',
  /** watch id → WatchRecord (watched files and folders, and what their last version stored) */
  watches: 'asset-watches'
} as const

/** What else a completed import changes, in the same batch: a watched asset's new version. */
export interface VersionChange {
  watch: WatchRecord
  /** The previous version's record, dropped (its CID differs from the new one). */
  drop?: string
}

/**
 * The asset index in level. An import writes a marker (synced) before its first block and,
 * once complete, its record and the marker's removal in one synced batch: a crash leaves a
 * marker and never a half-written record. `open` returns the markers a crash left behind.
 */
export class AssetIndex {
  readonly #db: Db
  readonly #assets: Sub<AssetRecord>
  readonly #imports: Sub<ImportMarker>
  readonly #watches: Sub<WatchRecord>

  private constructor(db: Db) {
    this.#db = db
    this.#assets = db.sublevel<string, AssetRecord>(SUBLEVELS.assets, { valueEncoding: 'json' })
    this.#imports = db.sublevel<string, ImportMarker>(SUBLEVELS.imports, { valueEncoding: 'json' })
    this.#watches = db.sublevel<string, WatchRecord>(SUBLEVELS.watches, { valueEncoding: 'json' })
  }

  /** Opens (creating) the index at `path`; returns it with the imports a crash interrupted (see `clearImports`). */
  static async open(path: string): Promise<{ index: AssetIndex; interrupted: ImportMarker[] }> {
    const db = new Level<string, unknown>(path, { valueEncoding: 'json' })
    await db.open()
    const index = new AssetIndex(db)
    return { index, interrupted: await index.#imports.values().all() }
  }

  /** Forgets import markers once what they left behind is dealt with. */
  async clearImports(ids: string[]): Promise<void> {
    if (ids.length === 0) return
    await this.#db.batch(
      ids.map((id) => ({ type: 'del' as const, sublevel: this.#imports, key: id })),
      { sync: true }
    )
  }

  async close(): Promise<void> {
    await this.#db.close()
  }

  async begin(marker: ImportMarker): Promise<void> {
    await this.#db.batch([{ type: 'put', sublevel: this.#imports, key: marker.id, value: marker }], {
      sync: true
    })
  }

  /** An import that failed: forget its marker (its unpinned blocks go at the next gc). */
  async abandon(importId: string): Promise<void> {
    await this.#db.batch([{ type: 'del', sublevel: this.#imports, key: importId }], { sync: true })
  }

  /**
   * An import that completed: its record in, its marker out, in one synced batch; for a watched
   * asset also its watch state in and the previous version out, so a crash leaves either the
   * previous version whole or the new one whole.
   */
  async complete(importId: string, record: AssetRecord, version?: VersionChange): Promise<void> {
    const ops: Op[] = [
      { type: 'put', sublevel: this.#assets, key: record.cid, value: record },
      { type: 'del', sublevel: this.#imports, key: importId }
    ]
    if (version !== undefined) {
      ops.push({ type: 'put', sublevel: this.#watches, key: version.watch.id, value: version.watch })
      if (version.drop !== undefined && version.drop !== record.cid)
        ops.push({ type: 'del', sublevel: this.#assets, key: version.drop })
    }
    await this.#db.batch(ops, { sync: true })
  }

  async watches(): Promise<WatchRecord[]> {
    return this.#watches.values().all()
  }

  async getWatch(id: string): Promise<WatchRecord | undefined> {
    return this.#watches.get(id)
  }

  /** Ends a watch: its state goes, and its asset (if `record` is given) no longer names it. */
  async endWatch(id: string, record?: AssetRecord): Promise<void> {
    const ops: Op[] = [{ type: 'del', sublevel: this.#watches, key: id }]
    if (record !== undefined)
      ops.push({ type: 'put', sublevel: this.#assets, key: record.cid, value: record })
    await this.#db.batch(ops, { sync: true })
  }

  async get(cid: string): Promise<AssetRecord | undefined> {
    return this.#assets.get(cid)
  }

  async put(record: AssetRecord): Promise<void> {
    await this.#db.batch([{ type: 'put', sublevel: this.#assets, key: record.cid, value: record }], {
      sync: true
    })
  }

  async delete(cid: string): Promise<void> {
    await this.#db.batch([{ type: 'del', sublevel: this.#assets, key: cid }], { sync: true })
  }

  async list(): Promise<AssetRecord[]> {
    return this.#assets.values().all()
  }

  async imports(): Promise<ImportMarker[]> {
    return this.#imports.values().all()
  }
}
