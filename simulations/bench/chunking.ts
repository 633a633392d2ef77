/**
 * npm run bench:chunking — how the chunker and layout of an import decide its speed, its
 * block count, and how many new blocks an edit makes (what a peer holding the old version
 * must fetch). Every variant imports the same bytes in the same run; the baseline is fixed
 * 1 MiB raw leaves in a balanced tree (what imports used before this was measured).
 *
 * Imports go to an in-memory blockstore, so the figures are the chunker's, the hashing's and
 * the DAG builder's, not the disk's (which every variant pays alike per byte, and per block).
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
  name: string
  mbPerSec: number
  blocks: number
  avgLeafKiB: number
  overwrite: { blocks: number; bytes: number }
  insert: { blocks: number; bytes: number }
}

async function measure(variant: Variant, data: Uint8Array, edits: Uint8Array[]): Promise<Row | string> {
  let best = Number.POSITIVE_INFINITY
  let store: CountingStore | undefined
  try {
    for (let run = 0; run < RUNS; run++) {
      const r = await importInto(variant, data)
      best = Math.min(best, r.ms)
      store = r.store
    }
  } catch (err) {
    return `${variant.name}: unavailable (${(err as Error).message})`
  }
  const old = store!
  const [overwrite, insert] = await Promise.all(
    edits.map(async (edited) => (await importInto(variant, edited)).store.newerThan(old))
  )
  const leaves = [...old.blocks.values()].filter((s) => s >= 64 * KIB).length
  return {
    name: variant.name,
    mbPerSec: data.byteLength / 1e6 / (best / 1000),
    blocks: old.blocks.size,
    avgLeafKiB: data.byteLength / Math.max(1, leaves) / KIB,
    overwrite: overwrite!,
    insert: insert!
  }
}

function mib(bytes: number): string {
  return `${(bytes / MIB).toFixed(2)} MiB`
}

function print(rows: Row[], skipped: string[]): void {
  const base = rows[0]!
  const header = [
    'variant',
    'MB/s',
    'vs base',
    'blocks',
    'avg leaf',
    'overwrite 1 MiB: new',
    'insert 100 B: new'
  ]
  const lines = rows.map((r) => [
    r.name,
    r.mbPerSec.toFixed(0),
    `${(r.mbPerSec / base.mbPerSec).toFixed(2)}×`,
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

/** MB/s of the same import into helia's level blockstore on disk (as `assets add` does), best of RUNS. */
async function onDisk(variant: Variant, data: Uint8Array): Promise<number> {
  let best = Number.POSITIVE_INFINITY
  for (let run = 0; run < RUNS; run++) {
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
      best = Math.min(best, performance.now() - began)
    } finally {
      await local.stop()
    }
  }
  return data.byteLength / 1e6 / (best / 1000)
}

async function main(): Promise<void> {
  console.log(
    `bench:chunking — one ${mib(SIZE)} file of random bytes, best of ${RUNS} imports into memory; ` +
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
    const r = await measure(variant, data, [overwritten, inserted])
    if (typeof r === 'string') skipped.push(r)
    else rows.push(r)
  }
  print(rows, skipped)
  console.log('\nthe same import into a level blockstore on disk (helia, as `assets add` does):')
  let base: number | undefined
  for (const variant of VARIANTS.filter((v) => !v.name.startsWith('rabin'))) {
    const mbPerSec = await onDisk(variant, data)
    base ??= mbPerSec
    console.log(
      `  ${variant.name.padEnd(24)} ${mbPerSec.toFixed(0).padStart(5)} MB/s  ${(mbPerSec / base).toFixed(2)}×`
    )
  }
}

await main()
