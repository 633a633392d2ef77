/**
 * npm run bench:stream — throughput of one libp2p stream (TCP + noise + yamux, the node's
 * own stack) between two node processes on loopback, beside raw TCP between two processes
 * in the same run.
 */
import { type ChildProcess, fork } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { connect, createServer } from 'node:net'
import { multiaddr } from '@multiformats/multiaddr'
import { NODE_RUNTIME_FLAGS } from '../../node/runtime-flags.js'
import { RynusNode } from '../../node/rynus-node.js'
import { silentLogger } from '../../protocols/common/logger.js'
import { loopbackConfig, removeTempDirs, tempDataDir } from '../e2e/harness.js'
import { readReport, receiveAndReport, sendBytes, TRANSFER_PROTOCOL } from '../lib/transfer.js'

const MIB = 1024 * 1024
const TOTAL = Number(process.env.BENCH_STREAM_MIB ?? 256) * MIB
const RUNS = Number(process.env.BENCH_STREAM_RUNS ?? 3)
const TARGET_MB_S = 250
const CHUNK = Number(process.env.BENCH_STREAM_CHUNK_KIB ?? 256) * 1024

type ChildMessage = { ready: string } | { received: number }

function startChild(mode: 'tcp' | 'libp2p'): Promise<{ child: ChildProcess; address: string }> {
  const child = fork(new URL(import.meta.url).pathname, ['--child', mode], {
    stdio: 'inherit',
    execArgv: NODE_RUNTIME_FLAGS
  })
  return new Promise((resolve, reject) => {
    child.once('message', (m: ChildMessage) => {
      if ('ready' in m) resolve({ child, address: m.ready })
    })
    child.once('exit', (code) => reject(new Error(`${mode} receiver exited with ${code}`)))
  })
}

/** Child: raw TCP receiver that counts bytes and reports when the sender closes. */
async function tcpReceiver(): Promise<void> {
  const server = createServer((sock) => {
    let n = 0
    sock.on('data', (d: Buffer) => {
      n += d.byteLength
    })
    sock.on('end', () => {
      sock.end(String(n))
    })
  })
  server.listen(0, '127.0.0.1', () => {
    process.send?.({ ready: String((server.address() as { port: number }).port) })
  })
}

/** Child: a Rynus node that answers the transfer protocol. */
async function libp2pReceiver(): Promise<void> {
  const node = await RynusNode.create({
    dataDir: await tempDataDir(),
    config: loopbackConfig(),
    logger: silentLogger,
    // the stream stack alone: no roles, data store or market running beside it
    bare: true
  })
  await node.start()
  await node.libp2p.handle(TRANSFER_PROTOCOL, async (stream) => {
    await receiveAndReport(stream, { hash: false })
  })
  const addr = node.libp2p.getMultiaddrs().find((a) => !a.toString().includes('/ws'))!
  process.send?.({ ready: addr.toString() })
  process.on('disconnect', () => {
    void node
      .stop()
      .then(removeTempDirs)
      .then(() => process.exit(0))
  })
}

async function measureTcp(port: number, source: Uint8Array): Promise<number> {
  const began = performance.now()
  await new Promise<void>((resolve, reject) => {
    const sock = connect(port, '127.0.0.1')
    let reply = ''
    sock.on('data', (d) => {
      reply += d.toString()
    })
    sock.on('end', () => {
      if (Number(reply) !== TOTAL) reject(new Error(`tcp receiver got ${reply} bytes`))
      resolve()
    })
    sock.on('error', reject)
    let sent = 0
    const write = (): void => {
      while (sent < TOTAL) {
        const n = Math.min(64 * 1024, TOTAL - sent)
        sent += n
        if (!sock.write(source.subarray(0, n))) {
          sock.once('drain', write)
          return
        }
      }
      sock.end()
    }
    write()
  })
  return TOTAL / MIB / ((performance.now() - began) / 1000)
}

async function measureLibp2p(node: RynusNode, addr: string, source: Uint8Array): Promise<number> {
  const began = performance.now()
  const stream = await node.libp2p.dialProtocol(multiaddr(addr), TRANSFER_PROTOCOL)
  await sendBytes(stream, source, TOTAL, CHUNK)
  const report = await readReport(stream)
  if (report.bytes !== TOTAL) throw new Error(`libp2p receiver got ${report.bytes} bytes`)
  return TOTAL / MIB / ((performance.now() - began) / 1000)
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b)
  return s[Math.floor(s.length / 2)]
}

async function main(): Promise<void> {
  const source = randomBytes(4 * MIB)
  const tcp = await startChild('tcp')
  const p2p = await startChild('libp2p')
  const sender = await RynusNode.create({
    dataDir: await tempDataDir(),
    config: loopbackConfig(),
    logger: silentLogger,
    // the stream stack alone: no roles, data store or market running beside it
    bare: true
  })
  await sender.start()

  const tcpRates: number[] = []
  const p2pRates: number[] = []
  await measureLibp2p(sender, p2p.address, source.subarray(0, MIB)) // warm up: connection, JIT
  for (let i = 0; i < RUNS; i++) {
    tcpRates.push(await measureTcp(Number(tcp.address), source))
    p2pRates.push(await measureLibp2p(sender, p2p.address, source))
  }
  await sender.stop()
  tcp.child.kill()
  p2p.child.disconnect()
  await removeTempDirs()

  const t = median(tcpRates)
  const p = median(p2pRates)
  const mb = (mib: number): string => ((mib * MIB) / 1e6).toFixed(0)
  console.log(`bench:stream — ${TOTAL / MIB} MiB per run, ${RUNS} runs, median (MB/s = 10^6 bytes/s)`)
  console.log(`  raw TCP, two processes          ${mb(t)} MB/s   (runs: ${tcpRates.map(mb).join(', ')})`)
  console.log(`  libp2p stream (noise + yamux)   ${mb(p)} MB/s   (runs: ${p2pRates.map(mb).join(', ')})`)
  console.log(`  ratio libp2p / raw TCP          ${(p / t).toFixed(2)}`)
  console.log(`  target ≥ ${TARGET_MB_S} MB/s: ${(p * MIB) / 1e6 >= TARGET_MB_S ? 'met' : 'NOT met'}`)
}

const childMode = process.argv.indexOf('--child')
if (childMode >= 0) {
  const mode = process.argv[childMode + 1]
  await (mode === 'tcp' ? tcpReceiver() : libp2pReceiver())
} else {
  await main()
  process.exit(0)
}
