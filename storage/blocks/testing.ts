import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Helia } from 'helia'
import { createLibp2p } from 'libp2p'
import { silentLogger } from '../../protocols/common/logger.js'
import { createNodeHelia } from './helia.js'

export interface LocalHelia {
  helia: Helia
  dir: string
  stop(): Promise<void>
}

/**
 * For unit tests: a real helia (level stores on a temp dir, bitswap) on a libp2p with no
 * transports, so it never talks to anyone. `stop()` also removes the temp dir.
 */
export async function startLocalHelia(): Promise<LocalHelia> {
  const dir = await mkdtemp(join(tmpdir(), 'rynus-helia-'))
  const libp2p = await createLibp2p({})
  const node = await createNodeHelia({ libp2p, dataDir: dir, logger: silentLogger })
  return {
    helia: node.helia,
    dir,
    async stop(): Promise<void> {
      await node.stop()
      await libp2p.stop()
      await rm(dir, { recursive: true, force: true })
    }
  }
}
