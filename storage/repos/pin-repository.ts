import type { AbstractSublevel } from 'abstract-level'
import { Level } from 'level'
import { cidRange, pinKey, SUBLEVELS } from './keys.js'

type Db = Level<string, unknown>
type Sub<V> = AbstractSublevel<Db, string | Buffer | Uint8Array, string, V>

/** One peer's pin of one DAG on this node, kept until `expiresAt`. */
export interface PinRecord {
  /** The DAG root, CIDv1 string. */
  cid: string
  /** The peer that asked for it; quotas are counted against it. */
  peer: string
  /** Size of the DAG's blocks and their count, measured when it was fetched. */
  bytes: number
  blocks: number
  /** Milliseconds since the epoch. */
  createdAt: number
  expiresAt: number
}

/** Pins and what each peer holds, totalled. */
export interface PeerUsage {
  pins: number
  bytes: number
}

/**
 * Pins this node keeps for other peers (super-peer pinning), in level so that a restart
 * keeps every pin and its expiry. Writes are synced: a pin that was answered "accepted" is
 * never forgotten. Small by design (a few thousand records): listing scans the whole range.
 */
export class PinRepository {
  readonly #db: Db
  readonly #pins: Sub<PinRecord>

  private constructor(db: Db) {
    this.#db = db
    this.#pins = db.sublevel<string, PinRecord>(SUBLEVELS.pins, { valueEncoding: 'json' })
  }

  /** Opens (creating) the database at `path`. */
  static async open(path: string): Promise<PinRepository> {
    const db = new Level<string, unknown>(path, { valueEncoding: 'json' })
    await db.open()
    return new PinRepository(db)
  }

  async close(): Promise<void> {
    await this.#db.close()
  }

  async get(cid: string, peer: string): Promise<PinRecord | undefined> {
    return (await this.#pins.get(pinKey(cid, peer))) ?? undefined
  }

  async put(record: PinRecord): Promise<void> {
    const key = pinKey(record.cid, record.peer)
    await this.#db.batch([{ type: 'put', sublevel: this.#pins, key, value: record }], { sync: true })
  }

  async delete(cid: string, peer: string): Promise<void> {
    await this.#db.batch([{ type: 'del', sublevel: this.#pins, key: pinKey(cid, peer) }], { sync: true })
  }

  /** Every peer's pin of `cid`. */
  async holders(cid: string): Promise<PinRecord[]> {
    return this.#pins.values(cidRange(cid)).all()
  }

  async all(): Promise<PinRecord[]> {
    return this.#pins.values().all()
  }

  /** What `peer` holds now. */
  async usage(peer: string): Promise<PeerUsage> {
    let pins = 0
    let bytes = 0
    for (const r of await this.all()) {
      if (r.peer !== peer) continue
      pins += 1
      bytes += r.bytes
    }
    return { pins, bytes }
  }
}
