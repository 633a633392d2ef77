/**
 * npm run bench:chunking — how the chunker and layout of an import decide its speed, its
 * block count, and how many new blocks an edit makes (what a peer holding the old version
 * must fetch). Every variant imports the same bytes in the same run; the baseline is fixed
 * 1 MiB raw leaves in a balanced tree (what imports used before this was measured).
 *
 * Speed is measured twice: into an in-memory blockstore (the chunker's, the hashing's and the
 * DAG builder's cost alone) and into helia's level blockstore on disk, as `assets add` runs.
 */
import { createCipheriv } from 'node:crypto'
import { type ImporterOptions, importer } from 'ipfs-unixfs-importer'
import { type Chunker, fixedSize, rabin } from 'ipfs-unixfs-importer/chunker'
import { balanced, type FileLayout, trickle } from 'ipfs-unixfs-importer/layout'
import type { CID } from 'multiformats/cid'
import { startLocalHelia } from '../../storage/blocks/testing.js'
import { contentDefined } from '../../storage/files/cdc-chunker.js'
import { BLOCK_WRITE_CONCURRENCY, MAX_CHILDREN_PER_NODE } from '../../storage/files/constants.js'

const KIB = 1024
const MIB = 1024 * KIB
const SIZE = Number(process.env.BENCH_CHUNKING_MIB ?? 64) * MIB
const RUNS = Number(process.env.BENCH_CHUNKING_RUNS ?? 3)
/** Where the edits happen: the middle, off any chunk boundary. */
const EDIT_AT = Math.floor(SIZE / 2) + 123_457
const READ_BYTES = MIB

interface Variant {
  name: string
  chunker: () => Chunker
  layout: () => FileLayout
}

const VARIANTS: Variant[] = [
  {
    name: 'fixed 1 MiB, balanced',
    chunker: () => fixedSize({ chunkSize: MIB }),
    layout: () => balanced({ maxChildrenPerNode: MAX_CHILDREN_PER_NODE })
  },
  {
    name: 'fixed 256 KiB, balanced',
    chunker: () => fixedSize({ chunkSize: 256 * KIB }),
    layout: () => balanced({ maxChildrenPerNode: MAX_CHILDREN_PER_NODE })
  },
  {
    name: 'fixed 1 MiB, trickle',
    chunker: () => fixedSize({ chunkSize: MIB }),
    layout: () => trickle()
  },
  {
    name: 'rabin 256 KiB (wasm)',
    chunker: () => rabin({ minChunkSize: 128 * KIB, avgChunkSize: 256 * KIB, maxChunkSize: 512 * KIB }),
    layout: () => balanced({ maxChildrenPerNode: MAX_CHILDREN_PER_NODE })
  },
  {
    name: 'FastCDC 256 KiB avg',
    chunker: () => contentDefined({ minBytes: 64 * KIB, avgBytes: 256 * KIB, maxBytes: MIB }),
    layout: () => balanced({ maxChildrenPerNode: MAX_CHILDREN_PER_NODE })
  },
  {
    name: 'FastCDC 512 KiB avg',
    chunker: () => contentDefined({ minBytes: 128 * KIB, avgBytes: 512 * KIB, maxBytes: MIB }),
    layout: () => balanced({ maxChildrenPerNode: MAX_CHILDREN_PER_NODE })
  }
]

/** Blocks by CID, with their sizes: what an import wrote. */
class CountingStore {
  readonly blocks = new Map<string, number>()
  async put(cid: CID, bytes: Uint8Array): Promise<CID> {
    this.blocks.set(cid.toString(), bytes.byteLength)
    return cid
  }
  get bytes(): number {
    let n = 0
    for (const size of this.blocks.values()) n += size
    return n
  }
  /** Blocks (and their bytes) here that `old` does not hold: what a peer with `old` must fetch. */
  newerThan(old: CountingStore): { blocks: number; bytes: number } {
    let blocks = 0
    let bytes = 0
    for (const [cid, size] of this.blocks) {
      if (old.blocks.has(cid)) continue
      blocks++
      bytes += size
    }
    return { blocks, bytes }
  }
}

/** Deterministic incompressible bytes (AES-CTR of zeros), so block counts repeat run to run. */
function pseudoRandom(size: number, seed: number): Uint8Array {
  const key = Buffer.alloc(32, seed)
  const cipher = createCipheriv('aes-256-ctr', key, Buffer.alloc(16))
  return new Uint8Array(Buffer.concat([cipher.update(Buffer.alloc(size)), cipher.final()]))
}

async function* reads(data: Uint8Array): AsyncGenerator<Uint8Array> {
  for (let i = 0; i < data.byteLength; i += READ_BYTES) yield data.subarray(i, i + READ_BYTES)
}

async function importInto(variant: Variant, data: Uint8Array): Promise<{ store: CountingStore; ms: number }> {
  const store = new CountingStore()
  const options: ImporterOptions = {
    cidVersion: 1,
    rawLeaves: true,
    reduceSingleLeafToSelf: true,
    chunker: variant.chunker(),
    layout: variant.layout(),
    blockWriteConcurrency: BLOCK_WRITE_CONCURRENCY
  }
  const began = performance.now()
  for await (const _ of importer([{ content: reads(data) }], store, options)) {
    // one file: its root
  }
  return { store, ms: performance.now() - began }
}

interface Row {
  variant: Variant
  name: string
  /** import into memory: chunker, hashing and DAG builder only */
  memoryMBs: number
  /** import into helia's level blockstore on disk */
  diskMBs: number
  blocks: number
  avgLeafKiB: number
  overwrite: { blocks: number; bytes: number }
  insert: { blocks: number; bytes: number }
}

/** What does not depend on the machine: block counts and what each edit makes new. */
async function figures(variant: Variant, data: Uint8Array, edits: Uint8Array[]): Promise<Row | string> {
  let old: CountingStore
  try {
    old = (await importInto(variant, data)).store
  } catch (err) {
    return `${variant.name}: unavailable (${(err as Error).message})`
  }
  const [overwrite, insert] = await Promise.all(
    edits.map(async (edited) => (await importInto(variant, edited)).store.newerThan(old))
  )
  const leaves = [...old.blocks.values()].filter((s) => s >= 64 * KIB).length
  return {
    variant,
    name: variant.name,
    memoryMBs: 0,
    diskMBs: 0,
    blocks: old.blocks.size,
    avgLeafKiB: data.byteLength / Math.max(1, leaves) / KIB,
    overwrite: overwrite!,
    insert: insert!
  }
}

/**
 * Best of RUNS rounds, each round timing every variant in turn, so a neighbour's load on a
 * shared box slows all variants alike instead of whichever ran at that moment.
 */
async function time(rows: Row[], data: Uint8Array): Promise<void> {
  const memory = rows.map(() => Number.POSITIVE_INFINITY)
  const disk = rows.map(() => Number.POSITIVE_INFINITY)
  for (let run = 0; run < RUNS; run++) {
    for (const [i, r] of rows.entries()) {
      memory[i] = Math.min(memory[i]!, (await importInto(r.variant, data)).ms)
      disk[i] = Math.min(disk[i]!, await onDiskOnce(r.variant, data))
    }
  }
  const mbs = (ms: number): number => data.byteLength / 1e6 / (ms / 1000)
  for (const [i, r] of rows.entries()) {
    r.memoryMBs = mbs(memory[i]!)
    r.diskMBs = mbs(disk[i]!)
  }
}

function mib(bytes: number): string {
  return `${(bytes / MIB).toFixed(2)} MiB`
}

function print(rows: Row[], skipped: string[]): void {
  const base = rows[0]!
  const header = [
    'variant',
    'memory MB/s',
    'vs base',
    'disk MB/s',
    'vs base',
    'blocks',
    'avg leaf',
    'overwrite 1 MiB: new',
    'insert 100 B: new'
  ]
  const lines = rows.map((r) => [
    r.name,
    r.memoryMBs.toFixed(0),
    `${(r.memoryMBs / base.memoryMBs).toFixed(2)}×`,
    r.diskMBs.toFixed(0),
    `${(r.diskMBs / base.diskMBs).toFixed(2)}×`,
    String(r.blocks),
    `${r.avgLeafKiB.toFixed(0)} KiB`,
    `${r.overwrite.blocks} blocks, ${mib(r.overwrite.bytes)}`,
    `${r.insert.blocks} blocks, ${mib(r.insert.bytes)}`
  ])
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i]!.length)))
  const row = (cells: string[]): string => `| ${cells.map((c, i) => c.padEnd(widths[i]!)).join(' | ')} |`
  console.log(row(header))
  console.log(`|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`)
  for (const l of lines) console.log(row(l))
  for (const s of skipped) console.log(s)
}

/** Milliseconds of one import into helia's level blockstore on a fresh temp dir (as `assets add` does). */
async function onDiskOnce(variant: Variant, data: Uint8Array): Promise<number> {
  const local = await startLocalHelia()
  try {
    const began = performance.now()
    for await (const _ of importer([{ content: reads(data) }], local.helia.blockstore, {
      cidVersion: 1,
      rawLeaves: true,
      reduceSingleLeafToSelf: true,
      chunker: variant.chunker(),
      layout: variant.layout(),
      blockWriteConcurrency: BLOCK_WRITE_CONCURRENCY
    })) {
      // one file: its root
    }
    return performance.now() - began
  } finally {
    await local.stop()
  }
}

async function main(): Promise<void> {
  console.log(
    `bench:chunking — one ${mib(SIZE)} file of random bytes, best of ${RUNS} imports into memory and into ` +
      "helia's level blockstore on disk (rounds interleave the variants); " +
      `edits at byte ${EDIT_AT}: (a) 1 MiB overwritten, (b) 100 bytes inserted. ` +
      '"new" = blocks of the edited file\'s DAG that the original DAG lacks (what a peer re-fetches).'
  )
  const data = pseudoRandom(SIZE, 1)
  const overwritten = new Uint8Array(data)
  overwritten.set(pseudoRandom(MIB, 2), EDIT_AT)
  const inserted = new Uint8Array(SIZE + 100)
  inserted.set(data.subarray(0, EDIT_AT))
  inserted.set(pseudoRandom(100, 3), EDIT_AT)
  inserted.set(data.subarray(EDIT_AT), EDIT_AT + 100)
  const rows: Row[] = []
  const skipped: string[] = []
  for (const variant of VARIANTS) {
    const r = await figures(variant, data, [overwritten, inserted])
    if (typeof r === 'string') skipped.push(r)
    else rows.push(r)
  }
  await time(rows, data)
  print(rows, skipped)
}

await main()
