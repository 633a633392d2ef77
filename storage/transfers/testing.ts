import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { identify } from '@libp2p/identify'
import type { Libp2p } from '@libp2p/interface'
import { noise } from '@libp2p/noise'
import { tcp } from '@libp2p/tcp'
import { yamux } from '@libp2p/yamux'
import type { Helia } from 'helia'
import { createLibp2p } from 'libp2p'
import { type Logger, silentLogger } from '../../protocols/common/logger.js'
import { createNodeHelia } from '../blocks/helia.js'

/** A real node for transfer tests: libp2p on 127.0.0.1 (TCP, noise, yamux), helia, stores on a temp dir. */
export interface BlocksNode {
  libp2p: Libp2p
  helia: Helia
  dir: string
  /** Stops helia and libp2p; the temp dir stays until `remove()`. */
  stop(): Promise<void>
  remove(): Promise<void>
}

export async function startBlocksNode(opts: { dir?: string; logger?: Logger } = {}): Promise<BlocksNode> {
  const dir = opts.dir ?? (await mkdtemp(join(tmpdir(), 'rynus-transfer-')))
  const libp2p = await createLibp2p({
    addresses: { listen: ['/ip4/127.0.0.1/tcp/0'] },
    transports: [tcp()],
    connectionEncrypters: [noise()],
    streamMuxers: [yamux()],
    services: { identify: identify() }
  })
  const node = await createNodeHelia({ libp2p, dataDir: dir, logger: opts.logger ?? silentLogger })
  let stopped = false
  const stop = async (): Promise<void> => {
    if (stopped) return
    stopped = true
    await node.stop()
    await libp2p.stop()
  }
  return {
    libp2p,
    helia: node.helia,
    dir,
    stop,
    async remove(): Promise<void> {
      await stop()
      await rm(dir, { recursive: true, force: true })
    }
  }
}

/** A logger that keeps its warnings, for tests that check what a node reported. */
export function warningsLogger(): Logger & { warnings: Array<{ message: string; fields?: object }> } {
  const warnings: Array<{ message: string; fields?: object }> = []
  const log: Logger & { warnings: typeof warnings } = {
    warnings,
    debug: () => {},
    info: () => {},
    warn: (message, fields) => warnings.push({ message, fields }),
    error: () => {},
    child: () => log
  }
  return log
}

/**
 * Paces every read of `store` so that together they move at most `bytesPerMs` (a provider
 * behind a slow uplink or disk). Reads that overlap take turns: each waits for its slot.
 * Returns a counter of the bytes read so far.
 */
export function paceReads(store: Helia['blockstore'], bytesPerMs: number): { bytes: number } {
  const read = { bytes: 0 }
  const get = store.get.bind(store)
  let next = performance.now()
  store.get = async function* (cid, options) {
    for await (const part of get(cid, options)) {
      const now = performance.now()
      const at = Math.max(now, next)
      next = at + part.byteLength / bytesPerMs
      if (at > now) await new Promise((r) => setTimeout(r, at - now))
      read.bytes += part.byteLength
      yield part
    }
  } as typeof store.get
  return read
}
