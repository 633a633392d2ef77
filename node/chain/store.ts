import type { AbstractSublevel } from 'abstract-level'
import { Level } from 'level'
import { ChainError } from './errors.js'

type Db = Level<string, unknown>
type Sub<V> = AbstractSublevel<Db, string | Buffer | Uint8Array, string, V>

/** One settlement action as the node last saw it. Written with fsync before and after sending. */
export interface ActionRecord {
  txHash: string
  state: 'sent' | 'confirmed'
  /** Unix ms of the last change. */
  at: number
  nonce: number
  /** The signed transaction while it is not confirmed, so it can be broadcast again unchanged. */
  raw?: string
  blockNumber?: number
}

/**
 * Something this node does by itself once its time comes: release a committed task after its
 * challenge window, expire a task whose worker missed its deadline, refund a job's unspent
 * budget after its deadline.
 */
export interface Timer {
  kind: 'release' | 'expire' | 'refund'
  /** Task id (release, expire) or job id (refund), decimal. */
  id: string
  /** Unix seconds: the action is possible once the chain's time is past this. */
  at: number
}

/**
 * A task this requester added on chain for one award, as it priced it: enough to pay the
 * delivered part of the task after a restart, when the task fails.
 */
export interface AwardRecord {
  /** Chain task id, decimal. */
  id: string
  /** Price per unit, decimal token base units. */
  pricePerUnit: string
  units: number
  /** Unix ms when the task was added. */
  addedAt: number
}

/**
 * Everything the settlement layer keeps, in level at `<dataDir>/chain`, under a scope named
 * after the chain (chain id, market address, hash of the deployment block). A devnet that
 * starts a fresh chain at the same addresses therefore starts from an empty ledger, and data
 * of another chain is never mixed in (it stays on disk under its own scope).
 *
 * - actions: action key (`escrow:<jobCid>`, `task:<id>:accept`, …) → ActionRecord
 * - seen:    `<txHash>:<logIndex>` → block number of events already delivered
 * - meta:    `cursor` → last block whose events were delivered
 * - timers:  `<kind>:<id>` → Timer
 * - jobs:    job CID → chain job id
 * - awards:  `<jobCid>/<taskId>/<workerPeerId>` → AwardRecord (a requester's tasks on chain)
 */
export class SettlementStore {
  readonly #db: Db
  #scope?: string
  #actions?: Sub<ActionRecord>
  #seen?: Sub<number>
  #meta?: Sub<number>
  #timers?: Sub<Timer>
  #jobs?: Sub<string>
  #awards?: Sub<AwardRecord>

  private constructor(db: Db) {
    this.#db = db
  }

  static async open(path: string): Promise<SettlementStore> {
    const db = new Level<string, unknown>(path, { valueEncoding: 'json' })
    try {
      await db.open()
    } catch (err) {
      throw new ChainError(
        `cannot open the settlement database ${path} (${(err as Error).message}); is another node running on this data dir?`,
        { cause: err }
      )
    }
    return new SettlementStore(db)
  }

  /** Selects the chain whose records are read and written. Called by ChainClient.start(). */
  bind(scope: string): void {
    if (this.#scope === scope) return
    const sub = <V>(name: string): Sub<V> =>
      this.#db.sublevel<string, V>(`${scope}-${name}`, { valueEncoding: 'json' })
    this.#actions = sub<ActionRecord>('actions')
    this.#seen = sub<number>('seen')
    this.#meta = sub<number>('meta')
    this.#timers = sub<Timer>('timers')
    this.#jobs = sub<string>('jobs')
    this.#awards = sub<AwardRecord>('awards')
    this.#scope = scope
  }

  get scope(): string | undefined {
    return this.#scope
  }

  async close(): Promise<void> {
    await this.#db.close()
  }

  // ---------------------------------------------------------------- actions

  async action(key: string): Promise<ActionRecord | undefined> {
    return this.#sub(this.#actions).get(key)
  }

  /** Every action record, by key. */
  async actions(): Promise<Array<[string, ActionRecord]>> {
    return this.#sub(this.#actions).iterator().all()
  }

  async putAction(key: string, record: ActionRecord): Promise<void> {
    await this.#synced(this.#sub(this.#actions), key, record)
  }

  async deleteAction(key: string): Promise<void> {
    await this.#synced(this.#sub(this.#actions), key)
  }

  // ---------------------------------------------------------------- events

  async cursor(): Promise<number | undefined> {
    return this.#sub(this.#meta).get('cursor')
  }

  async setCursor(block: number): Promise<void> {
    await this.#synced(this.#sub(this.#meta), 'cursor', block)
  }

  async seen(eventKey: string): Promise<boolean> {
    return (await this.#sub(this.#seen).get(eventKey)) !== undefined
  }

  async markSeen(eventKey: string, blockNumber: number): Promise<void> {
    await this.#sub(this.#seen).put(eventKey, blockNumber)
  }

  /** Forgets delivered events older than `block` (they are behind the re-read window). */
  async pruneSeen(block: number): Promise<void> {
    const seen = this.#sub(this.#seen)
    const old: string[] = []
    for await (const [key, at] of seen.iterator()) if (at < block) old.push(key)
    if (old.length > 0) await seen.batch(old.map((key) => ({ type: 'del' as const, key })))
  }

  // ---------------------------------------------------------------- timers

  async putTimer(timer: Timer): Promise<void> {
    await this.#synced(this.#sub(this.#timers), `${timer.kind}:${timer.id}`, timer)
  }

  async deleteTimer(kind: Timer['kind'], id: bigint): Promise<void> {
    await this.#synced(this.#sub(this.#timers), `${kind}:${id}`)
  }

  async timers(): Promise<Timer[]> {
    return this.#sub(this.#timers).values().all()
  }

  // ---------------------------------------------------------------- jobs

  async putJob(jobCid: string, chainJobId: bigint): Promise<void> {
    await this.#synced(this.#sub(this.#jobs), jobCid, chainJobId.toString())
  }

  async chainJobOf(jobCid: string): Promise<bigint | undefined> {
    const id = await this.#sub(this.#jobs).get(jobCid)
    return id === undefined ? undefined : BigInt(id)
  }

  // ---------------------------------------------------------------- awards

  async putAward(key: string, award: AwardRecord): Promise<void> {
    await this.#synced(this.#sub(this.#awards), key, award)
  }

  async award(key: string): Promise<AwardRecord | undefined> {
    return this.#sub(this.#awards).get(key)
  }

  async deleteAward(key: string): Promise<void> {
    await this.#synced(this.#sub(this.#awards), key)
  }

  /** Puts (or, without a value, deletes) one key and fsyncs before resolving. */
  async #synced<V>(sublevel: Sub<V>, key: string, value?: V): Promise<void> {
    const op = value === undefined ? { type: 'del', sublevel, key } : { type: 'put', sublevel, key, value }
    // biome-ignore lint/suspicious/noExplicitAny: one op on a sublevel whose value type differs from the root's
    await this.#db.batch([op as any], { sync: true })
  }

  #sub<V>(sub: Sub<V> | undefined): Sub<V> {
    if (sub === undefined) {
      throw new ChainError('the settlement store is not bound to a chain yet; start the ChainClient first')
    }
    return sub
  }
}
