import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { fileURLToPath } from 'node:url'
import { createLibp2p } from 'libp2p'
import { CID } from 'multiformats/cid'
import { silentLogger } from '../../protocols/common/logger.js'
import { createNodeHelia } from '../blocks/helia.js'
import { type LocalHelia, startLocalHelia } from '../blocks/testing.js'
import { importBytes } from '../files/index.js'
import {
  AssetIndex,
  type AssetProgress,
  AssetStore,
  extractTar,
  packTar,
  parseCompressMode
} from './index.js'

/** Compressible text of about `bytes` bytes (a CSV-like table). */
function text(bytes: number): Buffer {
  const rows: string[] = []
  let n = 0
  for (let i = 0; n < bytes; i++) {
    const row = `${i},${(i * 7) % 101},${Math.sin(i).toFixed(6)},species-${i % 3}\n`
    rows.push(row)
    n += row.length
  }
  return Buffer.from(rows.join('')).subarray(0, bytes)
}

/** A real PNG signature followed by incompressible bytes. */
function png(bytes: number): Buffer {
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    randomBytes(bytes - 8)
  ])
}

async function collect(source: AsyncIterable<Uint8Array>): Promise<Buffer> {
  const parts: Uint8Array[] = []
  for await (const p of source) parts.push(p)
  return Buffer.concat(parts)
}

describe('AssetStore on real helia and level', () => {
  let h: LocalHelia
  let store: AssetStore

  before(async () => {
    h = await startLocalHelia()
    store = new AssetStore({ dataDir: h.dir, quotaBytes: 0 }, { helia: h.helia, logger: silentLogger })
    await store.start()
  })
  after(async () => {
    await store.stop()
    await h.stop()
  })

  it('round-trips a file raw, gzip and brotli, byte for byte, with progress', async () => {
    const data = text(3 * 1024 * 1024 + 123)
    const src = join(h.dir, 'table.csv')
    await writeFile(src, data)
    for (const compress of ['none', 'gzip', 'brotli'] as const) {
      const seen: AssetProgress[] = []
      const rec = await store.add(src, { compress, onProgress: (p) => seen.push(p) })
      assert.equal(rec.codec, compress)
      assert.equal(rec.size, data.byteLength)
      assert.equal(rec.kind, 'file')
      if (compress === 'none') {
        assert.equal(rec.storedBytes, data.byteLength)
        assert.equal(rec.chunks, 4)
        assert.equal(rec.cid, (await importBytes(h.helia, data)).cid, 'raw assets keep the plain CID')
      } else assert.ok(rec.storedBytes < data.byteLength / 2, `${compress} shrinks the table`)
      const last = seen.at(-1)
      assert.equal(last?.done, true)
      assert.equal(last?.bytes, data.byteLength)
      assert.equal(last?.cid, rec.cid)
      assert.ok((last?.rateBytesPerSec ?? 0) > 0)
      const dest = join(h.dir, `out-${compress}.csv`)
      await store.exportTo(rec.cid, dest)
      assert.ok(data.equals(await readFile(dest)), `${compress}: exported bytes equal the original`)
      const { body } = await store.content(rec.cid)
      assert.ok(data.equals(await collect(body)), `${compress}: streamed bytes equal the original`)
    }
  })

  it('auto compresses text but skips a PNG, by extension and by its magic bytes', async () => {
    const image = png(200_000)
    await writeFile(join(h.dir, 'frame.png'), image)
    await writeFile(join(h.dir, 'frame.data'), image)
    await writeFile(join(h.dir, 'notes.txt'), text(100_000))
    assert.equal((await store.add(join(h.dir, 'frame.png'), { compress: 'auto' })).codec, 'none')
    const sniffed = await store.add(join(h.dir, 'frame.data'), { compress: 'auto' })
    assert.equal(sniffed.codec, 'none')
    assert.equal(sniffed.cid, (await importBytes(h.helia, image)).cid)
    assert.equal((await store.add(join(h.dir, 'notes.txt'), { compress: 'auto' })).codec, 'gzip')
  })

  it('round-trips a folder tree with compressed and raw files, as a folder and as a tar stream', async () => {
    const src = join(h.dir, 'project')
    const files: Record<string, Buffer> = {
      'scene.blend': text(1024 * 1024 + 77),
      'textures/wood.png': png(50_000),
      'textures/deep/readme.txt': text(300),
      'empty.txt': Buffer.alloc(0)
    }
    await mkdir(join(src, 'textures', 'deep'), { recursive: true })
    await mkdir(join(src, 'cache'))
    for (const [p, d] of Object.entries(files)) await writeFile(join(src, p), d)
    const rec = await store.add(src, { compress: 'auto' })
    assert.equal(rec.kind, 'folder')
    assert.equal(rec.codec, 'gzip')
    assert.equal(
      rec.size,
      Object.values(files).reduce((s, d) => s + d.byteLength, 0)
    )
    assert.deepEqual(Object.keys(rec.compressedFiles ?? {}).sort(), [
      'empty.txt',
      'scene.blend',
      'textures/deep/readme.txt'
    ])
    const dest = join(h.dir, 'project-out')
    await store.exportTo(rec.cid, dest)
    for (const [p, d] of Object.entries(files))
      assert.ok(d.equals(await readFile(join(dest, p))), `${p} byte-equal`)
    assert.deepEqual(await readdir(join(dest, 'cache')), [])

    const { body } = await store.content(rec.cid)
    const fromTar: Record<string, Buffer> = {}
    const dirs: string[] = []
    for await (const e of extractTar(body)) {
      if (e.type === 'directory') dirs.push(e.path)
      else fromTar[e.path] = await collect(e.content!)
    }
    assert.deepEqual(Object.keys(fromTar).sort(), Object.keys(files).sort())
    for (const [p, d] of Object.entries(files)) assert.ok(d.equals(fromTar[p]), `${p} byte-equal in the tar`)
    assert.ok(dirs.includes('cache') && dirs.includes('textures/deep'))
  })

  it('a tar stream with long names round-trips; one that escapes the folder is refused', async () => {
    const long = `${'a'.repeat(90)}/${'b'.repeat(90)}/file.bin`
    const data = randomBytes(700)
    const tar = await collect(
      packTar([
        {
          path: long,
          type: 'file',
          size: data.byteLength,
          content: (async function* () {
            yield data
          })()
        }
      ])
    )
    const rec = await store.addArchive(
      'upload',
      (async function* () {
        yield tar
      })(),
      { compress: 'none' }
    )
    const { body } = await store.content(rec.cid)
    const got: Record<string, Buffer> = {}
    for await (const e of extractTar(body)) if (e.type === 'file') got[e.path] = await collect(e.content!)
    assert.ok(data.equals(got[long]))
    const evil = await collect(
      packTar([
        {
          path: '../evil.txt',
          type: 'file',
          size: 1,
          content: (async function* () {
            yield Buffer.from('x')
          })()
        }
      ])
    )
    await assert.rejects(
      store.addArchive(
        'evil',
        (async function* () {
          yield evil
        })()
      ),
      { code: 'ERR_BAD_ARCHIVE' }
    )
    assert.ok(!(await store.list()).some((a) => a.name === 'evil'))
  })

  it('pins, unpins, removes; gc frees unpinned blocks and keeps pinned ones', async () => {
    const keep = await store.addStream(
      'keep.bin',
      (async function* () {
        yield randomBytes(2 * 1024 * 1024)
      })(),
      { compress: 'none', pin: true }
    )
    const loose = await store.addStream(
      'loose.bin',
      (async function* () {
        yield randomBytes(1024 * 1024)
      })(),
      { compress: 'none' }
    )
    assert.equal(keep.pinned, true)
    assert.equal((await store.unpin(loose.cid)).pinned, false)
    await store.pin(loose.cid)
    await store.unpin(loose.cid)
    // everything else added in this file is unpinned too: gc removes it all but `keep`
    const { freedBytes, removedAssets } = await store.gc()
    assert.ok(freedBytes >= 1024 * 1024, `freed ${freedBytes}`)
    assert.ok(removedAssets.includes(loose.cid))
    assert.deepEqual(
      (await store.list()).map((a) => a.cid),
      [keep.cid]
    )
    assert.equal((await collect((await store.content(keep.cid)).body)).byteLength, 2 * 1024 * 1024)
    await store.rm(keep.cid)
    assert.equal(await store.get(keep.cid), undefined)
    await assert.rejects(store.content(keep.cid), { code: 'ERR_ASSET_NOT_FOUND' })
    assert.ok((await store.gc()).freedBytes >= 2 * 1024 * 1024)
    await assert.rejects(store.pin('not-a-cid'), { code: 'ERR_INVALID_CID' })
  })

  it('lists an import under way as importing, with its completion, and records it once complete', async () => {
    let release: () => void = () => {}
    const held = new Promise<void>((r) => {
      release = r
    })
    const half = randomBytes(1024 * 1024)
    const adding = store.addStream(
      'slow.bin',
      (async function* () {
        yield half
        await held
        yield half
      })(),
      { compress: 'none', size: 2 * half.byteLength }
    )
    let importing: Awaited<ReturnType<AssetStore['list']>>[number] | undefined
    try {
      for (let i = 0; i < 100 && importing?.completion !== 0.5; i++) {
        importing = (await store.list()).find((a) => a.status === 'importing' && a.name === 'slow.bin')
        await new Promise((r) => setTimeout(r, 10))
      }
      assert.equal(importing?.cid, null)
      assert.equal(importing?.completion, 0.5)
    } finally {
      release()
    }
    const rec = await adding
    const listed = (await store.list()).find((a) => a.cid === rec.cid)
    assert.equal(listed?.status, 'complete')
    assert.ok(!(await store.list()).some((a) => a.status === 'importing'))
  })

  it('refuses names that could be paths, and unknown compression modes', async () => {
    for (const name of ['a/b.blend', '..', 'c:\\x.blend', 'line\nbreak', '']) {
      await assert.rejects(store.addStream(name, (async function* () {})()), { code: 'ERR_ASSET_NAME' }, name)
    }
    assert.equal(
      (await store.addStream('scene (1) ü.blend', (async function* () {})(), { compress: 'none' })).name,
      'scene (1) ü.blend'
    )
    assert.throws(() => parseCompressMode('zip'), {
      code: 'ERR_COMPRESS_MODE',
      message: /auto, none, gzip or brotli/
    })
    assert.equal(parseCompressMode(' Brotli '), 'brotli')
  })

  it('refuses a compressed asset as a job input and passes a raw one', async () => {
    const gz = await store.addStream(
      'data.csv',
      (async function* () {
        yield text(5000)
      })(),
      { compress: 'gzip' }
    )
    const raw = await store.addStream(
      'data.csv',
      (async function* () {
        yield text(5000)
      })(),
      { compress: 'none' }
    )
    await assert.rejects(store.checkJobInput(gz.cid), (err: Error) => {
      assert.equal((err as { code?: string }).code, 'ERR_COMPRESSED_INPUT')
      assert.match(err.message, /--compress none/)
      return true
    })
    await store.checkJobInput(raw.cid)
  })
})

describe('the storage quota', () => {
  it('refuses an asset beyond the quota with used/free and what to do, recording nothing', async () => {
    const h = await startLocalHelia()
    const store = new AssetStore(
      { dataDir: h.dir, quotaBytes: 3 * 1024 * 1024 },
      { helia: h.helia, logger: silentLogger }
    )
    await store.start()
    try {
      const first = await store.addStream(
        'a.bin',
        (async function* () {
          yield randomBytes(2 * 1024 * 1024)
        })(),
        {
          compress: 'none',
          size: 2 * 1024 * 1024
        }
      )
      await writeFile(join(h.dir, 'big.bin'), randomBytes(2 * 1024 * 1024))
      // known size, raw: refused before a byte is stored
      await assert.rejects(store.add(join(h.dir, 'big.bin'), { compress: 'none' }), (err: Error) => {
        assert.equal((err as { code?: string }).code, 'ERR_QUOTA_EXCEEDED')
        assert.match(err.message, /2\.0 MiB of 3\.0 MiB used, 1\.0 MiB free/)
        assert.match(err.message, /assets rm <cid>.*assets gc.*storage\.quotaBytes/)
        return true
      })
      // compressed, so the stored size is only known while importing: stopped mid-way
      await assert.rejects(store.add(join(h.dir, 'big.bin'), { compress: 'gzip' }), {
        code: 'ERR_QUOTA_EXCEEDED'
      })
      assert.deepEqual(
        (await store.list()).map((a) => a.cid),
        [first.cid]
      )
      assert.equal(store.usage().usedBytes, 2 * 1024 * 1024)
      await store.stop()
      await store.start()
      assert.deepEqual(store.interrupted, [], 'no import marker left behind')
      await store.rm(first.cid)
      await store.gc()
      assert.equal((await store.add(join(h.dir, 'big.bin'), { compress: 'none' })).size, 2 * 1024 * 1024)
    } finally {
      await store.stop()
      await h.stop()
    }
  })
})

describe('a crash in the middle of an import', () => {
  it('a crash while pinning leaves no pin without a record: the next start drops it', async () => {
    const h = await startLocalHelia()
    try {
      const { cid } = await importBytes(h.helia, randomBytes(3000))
      const { index } = await AssetIndex.open(join(h.dir, 'assets'))
      await index.begin({ id: 'crashed', name: 'x.bin', path: '', kind: 'file', startedAt: 1, cid })
      await index.close()
      for await (const _ of h.helia.pins.add(CID.parse(cid))) {
        // as the crashed import had begun to
      }
      const store = new AssetStore(
        { dataDir: h.dir, quotaBytes: 0 },
        { helia: h.helia, logger: silentLogger }
      )
      await store.start()
      assert.deepEqual(
        store.interrupted.map((m) => m.name),
        ['x.bin']
      )
      assert.equal(await h.helia.pins.isPinned(CID.parse(cid)), false, 'the orphan pin is gone')
      assert.deepEqual(await store.list(), [])
      await store.stop()
    } finally {
      await h.stop()
    }
  })

  it('leaves no half-recorded asset, and the next start clears the interrupted import', async () => {
    const h = await startLocalHelia()
    const dir = join(h.dir, 'node')
    await h.stop() // only its temp dir is wanted; the child process owns the stores
    await mkdir(dir, { recursive: true })
    const big = join(dir, 'big.bin')
    await writeFile(big, randomBytes(48 * 1024 * 1024))
    const storeModule = new URL('./index.js', import.meta.url).href
    const heliaModule = new URL('../blocks/helia.js', import.meta.url).href
    const script = `
      import { createLibp2p } from 'libp2p'
import { CID } from 'multiformats/cid'
      import { silentLogger } from '${new URL('../../protocols/common/logger.js', import.meta.url).href}'
      import { createNodeHelia } from '${heliaModule}'
      import { AssetStore } from '${storeModule}'
      const libp2p = await createLibp2p({})
      const node = await createNodeHelia({ libp2p, dataDir: ${JSON.stringify(dir)}, logger: silentLogger })
      const store = new AssetStore({ dataDir: ${JSON.stringify(dir)}, quotaBytes: 0 }, { helia: node.helia, logger: silentLogger })
      await store.start()
      let said = false
      await store.add(${JSON.stringify(big)}, { compress: 'brotli', onProgress: (p) => {
        if (!said && p.bytes > 0) { said = true; process.stdout.write('importing\\n') }
      } })
      process.stdout.write('finished\\n')
    `
    const child = spawn(process.execPath, ['--input-type=module', '-e', script], {
      cwd: fileURLToPath(new URL('../../../', import.meta.url))
    })
    let out = ''
    let err = ''
    child.stderr.on('data', (d: Buffer) => {
      err += d.toString()
    })
    await new Promise<void>((resolve, reject) => {
      child.stdout.on('data', (d: Buffer) => {
        out += d.toString()
        if (out.includes('importing')) {
          child.kill('SIGKILL')
          resolve()
        }
      })
      child.on('exit', () =>
        reject(new Error(`the child ended before the import was under way: ${out} ${err}`))
      )
    })
    await new Promise((r) => child.once('exit', r))
    assert.ok(!out.includes('finished'), 'killed before the import completed')

    const libp2p = await createLibp2p({})
    const node = await createNodeHelia({ libp2p, dataDir: dir, logger: silentLogger })
    const store = new AssetStore({ dataDir: dir, quotaBytes: 0 }, { helia: node.helia, logger: silentLogger })
    try {
      await store.start()
      assert.deepEqual(
        store.interrupted.map((m) => m.name),
        ['big.bin'],
        'the interrupted import is found'
      )
      assert.deepEqual(await store.list(), [], 'nothing half-recorded')
      assert.equal(store.usage().usedBytes, 0)
      await store.stop()
      await store.start()
      assert.deepEqual(store.interrupted, [], 'cleared: the next start finds nothing')
      const rec = await store.add(big, { compress: 'none' })
      assert.equal(rec.size, 48 * 1024 * 1024, 'the same file imports fine afterwards')
    } finally {
      await store.stop()
      await node.stop()
      await libp2p.stop()
    }
  })
})
