import { randomBytes } from 'node:crypto'
import { mkdir, open, readdir, readFile, rename, rm, stat } from 'node:fs/promises'
import { join } from 'node:path'
import type { AbortOptions } from '@libp2p/interface'
import { BaseBlockstore } from 'blockstore-core/base'
import type { LevelBlockstore } from 'blockstore-level'
import type { InputPair, Pair } from 'interface-blockstore'
import { base32 } from 'multiformats/bases/base32'
import { CID } from 'multiformats/cid'
import * as raw from 'multiformats/codecs/raw'
import * as Digest from 'multiformats/hashes/digest'
import { LARGE_BLOCK_BYTES } from './constants.js'
import { writePieces } from './write-pieces.js'

const TMP_DIR = '.partial'

/** A block: one buffer, or its pieces in order (a Uint8ArrayList is one such iterable). */
type Bytes = Uint8Array | Iterable<Uint8Array> | AsyncIterable<Uint8Array>

async function toPieces(value: Bytes): Promise<Uint8Array[]> {
  if (value instanceof Uint8Array) return [value]
  const pieces: Uint8Array[] = []
  for await (const piece of value) pieces.push(piece)
  return pieces
}

function isMissing(err: unknown): boolean {
  return (err as NodeJS.ErrnoException | undefined)?.code === 'ENOENT'
}

/**
 * The node's blockstore: blocks of LARGE_BLOCK_BYTES or more (UnixFS leaves) are files, one
 * per block, under `dir/<2 chars>/<base32 multihash>`; smaller blocks (folder and file nodes,
 * job specs) stay in level, where blocks stored before this layout also remain readable.
 * Measured with `npm run bench:transfer`: level spends ~10 ms per 1 MiB value on each get or
 * put, and its `has` reads the whole value; a file costs a fraction of a millisecond.
 * A block that arrived in pieces is written with one writev, never joined in memory first.
 * A file is written in `dir/.partial/` and renamed into place, so a killed process never leaves
 * a partial block under its real name; `open` empties `.partial`.
 */
export class FileBlockstore extends BaseBlockstore {
  readonly #dir: string
  readonly #level: LevelBlockstore
  readonly #shards = new Set<string>()
  /** Called after each block is stored (the bitswap server sends it to peers waiting for it). */
  onStored?: (cid: CID) => void

  constructor(dir: string, level: LevelBlockstore) {
    super()
    this.#dir = dir
    this.#level = level
  }

  /** Where blocks are written before the rename; emptied on open (a killed write's leftovers). */
  get #tmpDir(): string {
    return join(this.#dir, TMP_DIR)
  }

  async open(): Promise<void> {
    await rm(this.#tmpDir, { recursive: true, force: true })
    await mkdir(this.#tmpDir, { recursive: true })
    await this.#level.open()
  }

  async close(): Promise<void> {
    await this.#level.close()
  }

  #path(cid: CID): { shard: string; file: string } {
    const name = base32.encode(cid.multihash.bytes).slice(1)
    const shard = join(this.#dir, name.slice(-3, -1))
    return { shard, file: join(shard, name) }
  }

  override async put(cid: CID, value: Bytes, options?: AbortOptions): Promise<CID> {
    options?.signal?.throwIfAborted()
    const pieces = await toPieces(value)
    const size = pieces.reduce((n, p) => n + p.byteLength, 0)
    if (size < LARGE_BLOCK_BYTES) {
      await this.#level.put(cid, pieces.length === 1 ? pieces[0] : Buffer.concat(pieces), options)
      this.onStored?.(cid)
      return cid
    }
    const { shard, file } = this.#path(cid)
    if (!this.#shards.has(shard)) {
      await mkdir(shard, { recursive: true })
      this.#shards.add(shard)
    }
    const tmp = join(this.#tmpDir, randomBytes(8).toString('hex'))
    try {
      const handle = await open(tmp, 'w')
      try {
        await writePieces(handle, pieces, 0)
      } finally {
        await handle.close()
      }
      await rename(tmp, file)
    } catch (err) {
      await rm(tmp, { force: true }).catch(() => {})
      throw err
    }
    this.onStored?.(cid)
    return cid
  }

  override async *get(cid: CID, options?: AbortOptions): AsyncGenerator<Uint8Array> {
    options?.signal?.throwIfAborted()
    let bytes: Uint8Array | undefined
    try {
      bytes = await readFile(this.#path(cid).file)
    } catch (err) {
      if (!isMissing(err)) throw err
    }
    if (bytes !== undefined) yield bytes
    else yield* this.#level.get(cid, options)
  }

  override async has(cid: CID, options?: AbortOptions): Promise<boolean> {
    options?.signal?.throwIfAborted()
    try {
      return (await stat(this.#path(cid).file)).size > 0 || (await this.#level.has(cid, options))
    } catch (err) {
      if (!isMissing(err)) throw err
    }
    return this.#level.has(cid, options)
  }

  override async delete(cid: CID, options?: AbortOptions): Promise<void> {
    options?.signal?.throwIfAborted()
    await rm(this.#path(cid).file, { force: true })
    await this.#level.delete(cid, options)
  }

  override async *getAll(options?: AbortOptions): AsyncGenerator<Pair> {
    for (const shard of await readdir(this.#dir).catch(() => [])) {
      if (shard === TMP_DIR) continue
      for (const name of await readdir(join(this.#dir, shard)).catch(() => [])) {
        options?.signal?.throwIfAborted()
        const cid = CID.createV1(raw.code, Digest.decode(base32.decode(`b${name}`)))
        const file = join(this.#dir, shard, name)
        yield {
          cid,
          bytes: (async function* () {
            yield await readFile(file)
          })()
        }
      }
    }
    yield* this.#level.getAll(options)
  }

  /** For the base class's putMany. */
  override async *putMany(
    source: Iterable<InputPair> | AsyncIterable<InputPair>,
    options?: AbortOptions
  ): AsyncGenerator<CID> {
    for await (const { cid, bytes } of source) yield this.put(cid, bytes, options)
  }
}
