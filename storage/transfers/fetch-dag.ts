import type { PeerId } from '@libp2p/interface'
import type { Helia } from 'helia'
import type { CID } from 'multiformats/cid'
import { type BlockBytes, WantType } from '../../protocols/bitswap/index.js'
import { describeError } from '../../protocols/common/errors.js'
import { type Logger, silentLogger } from '../../protocols/common/logger.js'
import { readBlock } from '../car/dag-walk.js'
import { parseCid } from '../files/cid.js'
import { DEFAULT_FETCH_TIMEOUT_MS } from '../files/constants.js'
import { FetchTimeoutError } from '../files/errors.js'
import { IdleTimeout } from '../files/idle-timeout.js'
import { type BlockExchange, blockKey, type ExchangeClient, exchangeOf } from './block-exchange.js'
import { DHT_LOOKUP_DELAY_MS, FETCH_WINDOW_BLOCKS, WANT_CHECK_INTERVAL_MS } from './constants.js'
import { type DagLink, type DagNode, decodeDagNode, isRawLeaf } from './dag.js'
import { BlockUnavailableError } from './errors.js'
import { FetchMeter, type FetchProgress } from './progress.js'
import { ProviderFinder } from './providers.js'
import { SourcePlan } from './source-plan.js'
import { type Want, WantBook } from './want-book.js'

/** Where a content block goes in the file, and the content its parent says it holds. */
interface Place {
  at: number
  size?: number
}

export interface FetchDagOptions {
  signal?: AbortSignal
  /** Fail with ERR_FETCH_TIMEOUT when no block arrives for this long (default 30 s). */
  timeoutMs?: number
  onProgress?: (progress: FetchProgress) => void
  /**
   * When the root is a UnixFS file (or a raw block): called with each piece of its content and
   * where it goes in the file, as blocks arrive or are found stored, so a caller can write the
   * file during the fetch. The fetch ends after every call's promise settled. A block that
   * occurs several times in the file is handed over at each place. Callers check they got
   * `bytes` in all (a node whose sizes disagree with its children stops the handing over).
   * A block's bytes may come in the pieces they arrived in.
   */
  onContent?: (bytes: BlockBytes, offset: number) => Promise<void>
  logger?: Logger
}

export interface FetchDagResult {
  cid: string
  /** Blocks of the DAG, all now stored on this node. */
  blocks: number
  /** File content bytes of the DAG. */
  bytes: number
  /** Blocks and bytes that came over the network (the rest were stored already). */
  fetchedBlocks: number
  fetchedBytes: number
  /** Bytes of blocks each provider sent (peer id → bytes). */
  sources: Record<string, number>
}

/**
 * Fetches every block of the DAG under `cid` into the node's blockstore: blocks already
 * stored are not asked for (a fetch killed mid-way resumes where it stopped), missing ones
 * are wanted a window at a time over standard bitswap from the peers that hold the root, as
 * many of them as raise the rate (see SourcePlan). A provider that goes away or answers
 * DONT_HAVE has its wants moved to the others; one that sends bytes not matching their CID is
 * banned (see BlockExchange).
 */
export async function fetchDag(
  helia: Helia,
  cid: string | CID,
  opts: FetchDagOptions = {}
): Promise<FetchDagResult> {
  return new DagFetch(helia, parseCid(cid), opts).run()
}

class DagFetch implements ExchangeClient {
  readonly #helia: Helia
  readonly #exchange: BlockExchange
  readonly #root: CID
  readonly #opts: FetchDagOptions
  readonly #log: Logger
  readonly #meter: FetchMeter
  readonly #idle: IdleTimeout
  readonly #stop = new AbortController()
  readonly #finder: ProviderFinder
  readonly #book = new WantBook(FETCH_WINDOW_BLOCKS)
  readonly #plan = new SourcePlan()
  readonly #preferred = (id: string): boolean => this.#plan.isActive(id)
  readonly #seen = new Set<string>()
  readonly #sources: Record<string, number> = {}
  /**
   * Where in the file each content block goes (every place, for a block the file holds more
   * than once) and how much content its parent says it holds (onContent only; the root is at 0).
   */
  readonly #offsets = new Map<string, Place[]>()
  /** Content blocks already handed to onContent at the places known then. */
  readonly #handed = new Set<string>()
  /** Places found for a handed block, waiting for the job that reads it back. */
  readonly #late = new Map<string, Place[]>()
  /** A node's content disagreed with its parent's sizes: nothing more is handed to onContent. */
  #contentBroken = false
  readonly #allowed = (peer: PeerId): boolean => !this.#exchange.isBanned(peer)
  #work = 0
  /** Blocks received and not yet stored (and written to onContent's file). */
  #storing = 0
  #finished = false
  #settle?: { resolve: (r: FetchDagResult) => void; reject: (err: unknown) => void }

  constructor(helia: Helia, root: CID, opts: FetchDagOptions) {
    this.#helia = helia
    this.#exchange = exchangeOf(helia)
    this.#root = root
    this.#opts = opts
    this.#log = (opts.logger ?? silentLogger).child('fetch')
    this.#meter = new FetchMeter(opts.onProgress)
    this.#idle = new IdleTimeout(opts.timeoutMs ?? DEFAULT_FETCH_TIMEOUT_MS)
    this.#finder = new ProviderFinder(helia, this.#exchange, this, root, this.#stop.signal, this.#log)
  }

  async run(): Promise<FetchDagResult> {
    const done = new Promise<FetchDagResult>((resolve, reject) => {
      this.#settle = { resolve, reject }
    })
    const signals = [this.#idle.signal, ...(this.#opts.signal !== undefined ? [this.#opts.signal] : [])]
    const onAbort = (): void => this.#finish(this.#abortReason())
    for (const s of signals) s.addEventListener('abort', onAbort, { once: true })
    this.#exchange.register(this)
    const timer = setInterval(() => this.#tick(), WANT_CHECK_INTERVAL_MS)
    const lookup = setTimeout(() => {
      if (this.#book.providerCount === 0) this.#finder.lookUp()
    }, DHT_LOOKUP_DELAY_MS)
    try {
      if (signals.some((s) => s.aborted)) throw this.#abortReason()
      if (this.#opts.onContent !== undefined) this.#offsets.set(blockKey(this.#root), [{ at: 0 }])
      this.#visit([{ cid: this.#root }])
      this.#finder.probeConnected()
      return await done
    } finally {
      clearInterval(timer)
      clearTimeout(lookup)
      for (const s of signals) s.removeEventListener('abort', onAbort)
      this.#finished = true
      this.#idle.clear()
      this.#stop.abort()
      this.#exchange.unregister(this)
    }
  }

  #abortReason(): unknown {
    if (this.#opts.signal?.aborted === true) return this.#opts.signal.reason
    // providers were found, yet none of them holds this block
    const stalled = this.#book.providerCount > 0 ? this.#book.firstStalled() : undefined
    if (stalled !== undefined) return new BlockUnavailableError(this.#root.toString(), stalled.toString())
    return new FetchTimeoutError(this.#root.toString(), this.#opts.timeoutMs ?? DEFAULT_FETCH_TIMEOUT_MS)
  }

  #finish(err?: unknown): void {
    if (this.#finished) return
    this.#finished = true
    if (err !== undefined) {
      this.#settle?.reject(err)
      return
    }
    this.#meter.final()
    const m = this.#meter
    this.#settle?.resolve({
      cid: this.#root.toString(),
      blocks: m.blocks,
      bytes: m.bytes,
      fetchedBlocks: m.fetchedBlocks,
      fetchedBytes: m.fetchedBytes,
      sources: this.#sources
    })
  }

  /** Runs `job` as tracked work: the fetch is done when no work and no want is left. */
  #track(job: () => Promise<void>): void {
    this.#work++
    job().then(
      () => {
        this.#work--
        this.#dispatch()
        if (this.#work === 0 && this.#book.isEmpty) this.#finish()
      },
      (err: unknown) => this.#finish(err)
    )
  }

  /** Links found: stored ones are walked locally, missing ones queued as wants. */
  #visit(links: DagLink[]): void {
    this.#track(async () => {
      const store = this.#helia.blockstore
      // a window's worth of local checks at a time; wants go out after each group, so the
      // first blocks of a 1 GiB file are asked for before its 1024 leaves are all checked
      for (let i = 0; i < links.length; i += FETCH_WINDOW_BLOCKS) {
        if (this.#finished) return
        const group = links.slice(i, i + FETCH_WINDOW_BLOCKS).filter((link) => {
          const key = blockKey(link.cid)
          if (this.#seen.has(key)) return false
          this.#seen.add(key)
          return true
        })
        const stored = await Promise.all(group.map((link) => store.has(link.cid)))
        for (const [j, link] of group.entries()) {
          if (!stored[j]) this.#book.add(link.cid, blockKey(link.cid))
          else if (isRawLeaf(link.cid) && link.size !== undefined && !this.#offsets.has(blockKey(link.cid))) {
            this.#meter.bytes += link.size
            this.#meter.blocks++
          } else {
            await this.#stored(link.cid, await readBlock(this.#helia, link.cid, { offline: true }), false)
          }
        }
        this.#dispatch()
      }
    })
  }

  /** A block is in the blockstore: count it, hand over its content and walk its children. */
  async #stored(cid: CID, bytes: BlockBytes, fetched: boolean): Promise<void> {
    const node = decodeDagNode(cid, bytes)
    const key = blockKey(cid)
    const places = this.#offsets.get(key)
    if (places !== undefined) this.#handed.add(key)
    const written =
      places !== undefined ? Promise.all(places.map((place) => this.#content(node, place))) : undefined
    // awaited below, after the rest of this block's work; a rejection is never left unhandled
    written?.catch(() => {})
    if (cid.equals(this.#root) && node.fileSize !== undefined) this.#meter.totalBytes = node.fileSize
    this.#meter.bytes += node.content
    this.#meter.blocks++
    if (fetched) {
      this.#meter.fetchedBytes += bytes.byteLength
      this.#meter.fetchedBlocks++
    }
    this.#meter.tick()
    if (node.links.length > 0) this.#visit(node.links)
    await written
  }

  /**
   * Passes a file block's own content to onContent and places its children in the file. A
   * node whose content (its data and its children's sizes) differs from what its parent
   * says it holds stops the handing over: the caller then sees less than the file's size
   * and writes it from the store instead.
   */
  #content(node: DagNode, place: { at: number; size?: number }): Promise<void> | undefined {
    const onContent = this.#opts.onContent
    if (onContent === undefined || node.data === undefined || this.#contentBroken) return undefined
    const data = node.data
    const sizes = node.blockSizes ?? []
    const total = data.byteLength + sizes.reduce((a, b) => a + b, 0)
    if (sizes.length !== node.links.length || (place.size !== undefined && total !== place.size)) {
      this.#contentBroken = true
      return undefined
    }
    let at = place.at + data.byteLength
    for (const [i, link] of node.links.entries()) {
      this.#place(link.cid, { at, size: sizes[i] })
      at += sizes[i]
    }
    return data.byteLength > 0 ? onContent(data, place.at) : undefined
  }

  /**
   * Records that `cid`'s content also goes at `place`. A block already handed over (the file
   * holds it more than once: a zero-filled stretch) is handed over there too: one job per
   * block reads it back once and writes it at every place added meanwhile, one after another,
   * counted against the fetch window like a block being stored.
   */
  #place(cid: CID, place: Place): void {
    const key = blockKey(cid)
    const places = this.#offsets.get(key)
    if (places === undefined) this.#offsets.set(key, [place])
    else places.push(place)
    if (!this.#handed.has(key)) return
    const waiting = this.#late.get(key)
    if (waiting !== undefined) {
      waiting.push(place)
      return
    }
    const queue = [place]
    this.#late.set(key, queue)
    this.#storing++
    this.#track(async () => {
      try {
        const node = decodeDagNode(cid, await readBlock(this.#helia, cid, { offline: true }))
        while (queue.length > 0 && !this.#finished) await this.#content(node, queue.shift() as Place)
      } finally {
        this.#late.delete(key)
        this.#storing--
      }
    })
  }

  #dispatch(): void {
    if (this.#finished) return
    // a whole batch at once (or what is left at the end of the DAG)
    // blocks still being stored count against the window: a disk slower than the network
    // holds the fetch back instead of piling blocks up in memory
    const batch = this.#plan.batch
    const busy = this.#book.inflightCount + this.#storing
    const free = FETCH_WINDOW_BLOCKS - busy
    if (free < batch && busy > 0) return
    for (const [peer, wants] of this.#book.assign(
      this.#allowed,
      batch,
      Date.now(),
      this.#storing,
      this.#preferred
    )) {
      for (const w of wants) this.#exchange.asked(this, peer, w.cid)
      this.#exchange.wire
        .sendWants(
          peer,
          wants.map((w) => ({ cid: w.cid, wantType: WantType.WantBlock }))
        )
        .catch((err: unknown) => {
          if (this.#finished) return
          this.#log.debug('sending wants failed; asking other providers', {
            peer: peer.toString(),
            error: describeError(err)
          })
          this.onPeerGone(peer)
        })
    }
  }

  #tick(): void {
    if (this.#finished) return
    this.#book.expire(Date.now())
    if (this.#book.providerCount === 0 || this.#book.hasStalled) {
      this.#book.unstall()
      this.#finder.probeConnected()
      this.#finder.lookUp()
    }
    this.#dispatch()
  }

  onBlock(cid: CID, block: BlockBytes, sender: PeerId): void {
    if (this.#finished) return
    // it sent a valid block of this DAG (the root, when asked whether it has it): a provider
    this.#addProvider(sender)
    const want: Want | undefined = this.#book.received(blockKey(cid), sender)
    if (want === undefined) return // a second copy, or a block of another fetch
    this.#idle.touch()
    const from = sender.toString()
    const using = this.#plan.size
    this.#plan.delivered(block.byteLength, performance.now(), from)
    if (this.#plan.size !== using) {
      this.#log.debug('providers in use', { count: this.#plan.size, batch: this.#plan.batch })
    }
    this.#sources[from] = (this.#sources[from] ?? 0) + block.byteLength
    this.#storing++
    this.#track(async () => {
      try {
        // helia hands the value to the node's FileBlockstore as it is, which writes a block's
        // pieces with one writev (helia's type says one buffer)
        await this.#helia.blockstore.put(cid, block as Uint8Array)
        await this.#stored(cid, block, true)
      } finally {
        this.#storing--
      }
    })
  }

  onPresence(cid: CID, has: boolean, sender: PeerId): void {
    if (this.#finished) return
    const key = blockKey(cid)
    if (has) {
      if (cid.equals(this.#root) && this.#addProvider(sender)) {
        this.#log.debug('provider found', { peer: sender.toString() })
      }
    } else {
      this.#book.dontHave(key, sender)
    }
    this.#dispatch()
  }

  #addProvider(peer: PeerId): boolean {
    if (!this.#book.addProvider(peer, this.#allowed)) return false
    this.#plan.add(peer.toString())
    return true
  }

  onPeerGone(peer: PeerId): void {
    if (this.#finished || !this.#book.removeProvider(peer)) return
    this.#plan.remove(peer.toString())
    this.#log.debug('provider gone; its wants go to the others', { peer: peer.toString() })
    this.#finder.probeConnected()
    this.#dispatch()
  }

  onPeerConnected(peer: PeerId): void {
    if (!this.#finished) this.#finder.probe(peer)
  }
}
