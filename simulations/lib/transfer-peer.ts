import { createCipheriv } from 'node:crypto'
import { createWriteStream, readdirSync, readFileSync } from 'node:fs'
import { rm, writeFile } from 'node:fs/promises'
import { createServer } from 'node:net'
import { join } from 'node:path'
import { pipeline } from 'node:stream/promises'
import { unixfs } from '@helia/unixfs'
import { multiaddr } from '@multiformats/multiaddr'
import { CID } from 'multiformats/cid'
import { RynusNode } from '../../node/rynus-node.js'
import { silentLogger } from '../../protocols/common/logger.js'
import { createNodeHelia } from '../../storage/blocks/index.js'
import { importerOptions } from '../../storage/files/importer-options.js'
import { exportToFile } from '../../storage/files/index.js'
import { fetchDag } from '../../storage/transfers/index.js'
import { paceReads } from '../../storage/transfers/testing.js'
import { loopbackConfig, removeTempDirs, tempDataDir } from '../e2e/harness.js'
import { readReport, receiveAndReport, sendBytes, TRANSFER_PROTOCOL } from './transfer.js'

/**
 * One process of the transfer benchmark and of the resume test: a bare Rynus node with helia
 * (level blockstore in a temp data dir), driven over IPC. Providers import seeded random
 * data (the same seed gives the same bytes, hence the same CID, on every provider); a fetcher
 * dials providers and fetches a CID to a file; a sink counts raw TCP bytes.
 */
export type PeerRequest =
  | { op: 'import'; mib: number; seed: number }
  /** `file`: exportToFile (what `assets get -o` does); `store`: fetchDag into the blockstore only; `helia`: helia's unixfs.cat to a file. */
  | { op: 'fetch'; cid: string; providers: string[]; engine: 'file' | 'store' | 'helia' }
  | { op: 'rss' }
  | { op: 'stream'; to: string; mib: number }

export type PeerReply =
  | { ready: string; dataDir: string }
  | { cid: string; ms: number }
  /**
   * `peers`: peers the fetcher was connected to at the end (the providers it was given, no
   * more); `cpu`: the fetcher's CPU while the fetch was timed, by thread kind.
   */
  | { bytes: number; ms: number; peers?: number; cpu?: ThreadCpu }
  | { maxRssBytes: number; cpuMs: number; threadsMs: ThreadCpu }
  | { error: string }

const MIB = 1024 * 1024

/** CPU time of this process so far by thread kind, ms: JavaScript, libuv's pool (fs, hashing), V8's helpers (GC). */
export interface ThreadCpu {
  main: number
  pool: number
  v8: number
}

function threadCpu(): ThreadCpu {
  const out: ThreadCpu = { main: 0, pool: 0, v8: 0 }
  const ticks = 1000 / 100 // USER_HZ
  for (const task of readdirSync('/proc/self/task')) {
    let stat: string
    try {
      stat = readFileSync(`/proc/self/task/${task}/stat`, 'utf8')
    } catch {
      continue // the thread ended
    }
    const name = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'))
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
    const ms = (Number(fields[11]) + Number(fields[12])) * ticks
    if (task === String(process.pid)) out.main += ms
    else if (name.startsWith('libuv')) out.pool += ms
    else out.v8 += ms
  }
  return out
}

/** `mib` MiB of pseudo-random bytes from `seed` (AES-CTR over zeros), 1 MiB at a time. */
export async function* seededBytes(mib: number, seed: number): AsyncGenerator<Uint8Array> {
  const key = Buffer.alloc(16)
  key.writeUInt32BE(seed)
  const cipher = createCipheriv('aes-128-ctr', key, Buffer.alloc(16))
  const zeros = Buffer.alloc(MIB)
  for (let i = 0; i < mib; i++) yield cipher.update(zeros)
}

/** Given to fresh connections to settle before a fetch is timed (after identify). */
const SETTLE_MS = 2_000

/** Resolves once `n` peers have been identified on this node. */
function identifiedAll(node: RynusNode, n: number): Promise<void> {
  return new Promise((resolve) => {
    const seen = new Set<string>()
    const onIdentify = (evt: CustomEvent<{ peerId: { toString(): string } }>): void => {
      seen.add(evt.detail.peerId.toString())
      if (seen.size < n) return
      node.libp2p.removeEventListener('peer:identify', onIdentify)
      resolve()
    }
    node.libp2p.addEventListener('peer:identify', onIdentify)
  })
}

/**
 * BENCH_TRANSFER_PROVIDER_MBPS: a provider's blockstore reads are paced to this many MB/s
 * (a provider behind a slower uplink or disk than this node), 0 for none.
 */
const PROVIDER_MBPS = Number(process.env.BENCH_TRANSFER_PROVIDER_MBPS ?? 0)

/**
 * BENCH_TRANSFER_FETCH_PROF=<dir>: a CPU profile of the fetcher's main thread during the timed
 * fetch only (not startup, dials or settling) is written there; returns its stop function.
 */
async function startFetchProfile(): Promise<((label: string) => Promise<void>) | undefined> {
  const dir = process.env.BENCH_TRANSFER_FETCH_PROF
  if (dir === undefined) return undefined
  const { Session } = await import('node:inspector/promises')
  const session = new Session()
  session.connect()
  await session.post('Profiler.enable')
  await session.post('Profiler.start')
  return async (label) => {
    const { profile } = await session.post('Profiler.stop')
    await writeFile(join(dir, `fetch-${label}-${process.pid}.cpuprofile`), JSON.stringify(profile))
    session.disconnect()
  }
}

function reply(msg: PeerReply): void {
  process.send?.(msg)
}

async function serve(): Promise<void> {
  const dataDir = await tempDataDir()
  const node = await RynusNode.create({
    dataDir,
    // no relay client: with no relay in reach, its discovery random-walks the DHT without
    // pause and takes half a core per node, which this benchmark would measure instead
    // and the DHT as a client: a fetch is timed between the processes the benchmark names, not
    // with peers a DHT query turned up (providers would learn of each other from fetchers)
    config: {
      ...loopbackConfig({
        configure: (c) => {
          c.dht.mode = 'client'
        }
      }),
      relayClient: false
    },
    logger: silentLogger,
    bare: true
  })
  await node.start()
  const data = await createNodeHelia({ libp2p: node.libp2p, dataDir, logger: silentLogger })
  const fs = unixfs(data.helia)
  await node.libp2p.handle(TRANSFER_PROTOCOL, async (stream) => {
    await receiveAndReport(stream, { hash: false })
  })

  process.on('message', (req: PeerRequest) => {
    void (async (): Promise<PeerReply> => {
      const began = performance.now()
      if (req.op === 'import') {
        const cid = await fs.addByteStream(seededBytes(req.mib, req.seed), importerOptions())
        if (PROVIDER_MBPS > 0) paceReads(data.helia.blockstore, PROVIDER_MBPS * 1000)
        return { cid: cid.toString(), ms: performance.now() - began }
      }
      if (req.op === 'stream') {
        // one libp2p stream (noise + yamux), the ceiling bitswap runs on
        const stream = await node.libp2p.dialProtocol(multiaddr(req.to), TRANSFER_PROTOCOL)
        await sendBytes(stream, Buffer.alloc(4 * MIB, 7), req.mib * MIB, 256 * 1024)
        const report = await readReport(stream)
        return { bytes: report.bytes, ms: performance.now() - began }
      }
      if (req.op === 'fetch') {
        const identified = identifiedAll(node, req.providers.length)
        await Promise.all(req.providers.map((a) => node.libp2p.dial(multiaddr(a))))
        // timed from here: a node fetches from peers it is already connected to (the DHT
        // found them), so dialling them, identify and the first exchanges of a fresh
        // connection are not part of moving the data
        await identified
        await new Promise((r) => setTimeout(r, SETTLE_MS))
        const profiler = await startFetchProfile()
        const cpuBegan = threadCpu()
        const fetchBegan = performance.now()
        const dest = join(dataDir, 'fetched.bin')
        let bytes = 0
        if (req.engine === 'store') {
          bytes = (await fetchDag(data.helia, req.cid)).bytes
        } else if (req.engine === 'helia') {
          // the stock path: helia's UnixFS exporter over bitswap, one block after another
          const counted = async function* (): AsyncGenerator<Uint8Array> {
            for await (const chunk of fs.cat(CID.parse(req.cid))) {
              bytes += chunk.byteLength
              yield chunk
            }
          }
          await pipeline(counted, createWriteStream(dest))
        } else {
          bytes = (await exportToFile(data.helia, req.cid, dest)).size
        }
        const ms = performance.now() - fetchBegan
        const cpuEnded = threadCpu()
        const cpu = {
          main: cpuEnded.main - cpuBegan.main,
          pool: cpuEnded.pool - cpuBegan.pool,
          v8: cpuEnded.v8 - cpuBegan.v8
        }
        await profiler?.(`${req.providers.length}p`)
        await rm(dest, { force: true })
        return { bytes, ms, peers: node.libp2p.getPeers().length, cpu }
      }
      const usage = process.resourceUsage()
      return {
        maxRssBytes: usage.maxRSS * 1024,
        cpuMs: (usage.userCPUTime + usage.systemCPUTime) / 1000,
        threadsMs: threadCpu()
      }
    })().then(reply, (err: Error) => reply({ error: err.stack ?? String(err) }))
  })

  process.on('disconnect', () => {
    void data
      .stop()
      .then(() => node.stop())
      .then(removeTempDirs)
      .then(() => process.exit(0))
  })
  const addr = node.libp2p.getMultiaddrs().find((a) => !a.toString().includes('/ws'))!
  reply({ ready: addr.toString(), dataDir })
}

/** A raw TCP sink: counts bytes and answers the count when the sender closes. */
function tcpSink(): void {
  const server = createServer((sock) => {
    let n = 0
    sock.on('data', (d: Buffer) => {
      n += d.byteLength
    })
    sock.on('end', () => sock.end(String(n)))
  })
  server.listen(0, '127.0.0.1', () => {
    reply({ ready: String((server.address() as { port: number }).port), dataDir: '' })
  })
  process.on('disconnect', () => process.exit(0))
}

if (process.argv.includes('--tcp-sink')) tcpSink()
else await serve()
