import assert from 'node:assert/strict'
import { randomBytes } from 'node:crypto'
import { mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { unixfs } from '@helia/unixfs'
import { silentLogger } from '../../protocols/common/logger.js'
import { type LocalHelia, startLocalHelia } from '../blocks/testing.js'
import { listFolder } from '../files/import.js'
import { importerOptions } from '../files/importer-options.js'
import { readFileChunks } from '../files/local-file.js'
import { type AssetProgress, AssetStore, type WatchRecord } from './index.js'

const MIB = 1024 * 1024

/** The root CID a full import of `dir` gives with the chunking watched assets use. */
async function fullImportCid(h: LocalHelia, dir: string): Promise<string> {
  const entries = await listFolder(dir)
  const candidates = entries.map((e) =>
    e.kind === 'directory'
      ? { path: e.path }
      : { path: e.path, content: readFileChunks(e.absolute, () => {}) }
  )
  let root = ''
  for await (const r of unixfs(h.helia).addAll(candidates, {
    ...importerOptions(undefined, 'fastcdc-512kib'),
    wrapWithDirectory: true
  })) {
    if (r.path === '') root = r.cid.toString()
  }
  return root
}

async function waitFor(check: () => Promise<boolean>, ms = 10_000): Promise<boolean> {
  const until = Date.now() + ms
  while (Date.now() < until) {
    if (await check()) return true
    await new Promise((r) => setTimeout(r, 50))
  }
  return false
}

describe('watched folders', () => {
  let h: LocalHelia
  let store: AssetStore
  let folder: string
  const progress: AssetProgress[] = []
  /**
   * The watch once a rescan has run. File-system events may have started one already: the
   * rescan asked for here waits for it and finds the change recorded.
   */
  const synced = async (id: string): Promise<WatchRecord> => {
    await store.syncWatch(id)
    const watch = (await store.watches()).find((w) => w.id === id)
    assert.ok(watch)
    return watch
  }

  before(async () => {
    h = await startLocalHelia()
    // rescans only when a test asks (or, in the event test, on fs.watch events)
    store = new AssetStore(
      { dataDir: h.dir, quotaBytes: 0, watch: { debounceMs: 100, rescanMs: 0 } },
      { helia: h.helia, logger: silentLogger }
    )
    await store.start()
    store.events.on('progress', (p) => progress.push(p))
    folder = join(h.dir, 'project')
    await mkdir(join(folder, 'textures'), { recursive: true })
    await mkdir(join(folder, 'empty'))
    await writeFile(join(folder, 'scene.blend'), randomBytes(3 * MIB))
    await writeFile(join(folder, 'notes.txt'), 'first draft\n')
    await writeFile(join(folder, 'textures', 'wood.png'), randomBytes(200_000))
    await writeFile(join(folder, 'textures', 'stone.png'), randomBytes(300_000))
  })
  after(async () => {
    await store.stop()
    await h.stop()
  })

  it('imports the folder once, listed as watched, with the CID a full import of it gives', async () => {
    const first = await store.watch(folder, { compress: 'none' })
    assert.equal(first.updated, true)
    assert.equal(first.watch.version, 1)
    assert.deepEqual(Object.keys(first.watch.files).sort(), [
      'notes.txt',
      'scene.blend',
      'textures/stone.png',
      'textures/wood.png'
    ])
    assert.equal(first.record?.watchId, first.watch.id)
    assert.equal(first.record?.chunking, 'fastcdc-512kib')
    assert.equal(first.record?.cid, await fullImportCid(h, folder))
    const listed = (await store.list()).filter((a) => a.name === 'project')
    assert.deepEqual(
      listed.map((a) => a.cid),
      [first.record?.cid]
    )
  })

  it('a rescan with nothing changed keeps the version and reads no file', async () => {
    const [watch] = await store.watches()
    progress.length = 0
    const again = await store.syncWatch(watch!.id)
    assert.equal(again.updated, false)
    assert.equal(again.watch.cid, watch!.cid)
    assert.equal(progress.length, 0)
  })

  it('re-imports only the file that changed; the others keep their CIDs; the asset gets a new root', async () => {
    const [before] = await store.watches()
    const blend = join(folder, 'scene.blend')
    const bytes = await readFile(blend)
    randomBytes(1000).copy(bytes, 1_500_000)
    await writeFile(blend, bytes)
    progress.length = 0
    const next = await synced(before!.id)
    assert.deepEqual(next.lastChange, { changed: ['scene.blend'], removed: [] })
    assert.notEqual(next.cid, before!.cid)
    // 2, or 3 when a loaded box let an event-driven rescan catch the file half-written
    assert.ok(next.version > before!.version)
    for (const path of ['notes.txt', 'textures/stone.png', 'textures/wood.png']) {
      assert.equal(next.files[path]?.cid, before!.files[path]?.cid, `${path} kept its CID`)
    }
    assert.notEqual(next.files['scene.blend']?.cid, before!.files['scene.blend']?.cid)
    // only the changed file's bytes were read again
    const done = progress.filter((p) => p.done === true).at(-1)
    assert.equal(done?.bytes, bytes.byteLength)
    assert.equal(next.cid, await fullImportCid(h, folder))
    // the listing holds the new version in place of the old one
    const names = (await store.list()).filter((a) => a.name === 'project').map((a) => a.cid)
    assert.deepEqual(names, [next.cid])
    assert.equal(await store.get(before!.cid), undefined)
  })

  it('a deleted file leaves the tree; the exported folder matches the folder on disk', async () => {
    const [before] = await store.watches()
    await rm(join(folder, 'textures', 'wood.png'))
    const next = await synced(before!.id)
    assert.deepEqual(next.lastChange, { changed: [], removed: ['textures/wood.png'] })
    const out = join(h.dir, 'exported')
    await store.exportTo(next.cid, out)
    assert.deepEqual((await readdir(join(out, 'textures'))).sort(), ['stone.png'])
    assert.deepEqual((await readdir(out)).sort(), ['empty', 'notes.txt', 'scene.blend', 'textures'])
    assert.deepEqual(await readFile(join(out, 'scene.blend')), await readFile(join(folder, 'scene.blend')))
  })

  it('picks up a change by itself (file-system events, debounced) and says which file changed', async () => {
    const [before] = await store.watches()
    await writeFile(join(folder, 'notes.txt'), 'second draft, longer\n')
    assert.ok(
      await waitFor(async () => (await store.watches())[0]?.cid !== before!.cid),
      'a new version within 10 s'
    )
    const [after] = await store.watches()
    assert.deepEqual(after?.lastChange, { changed: ['notes.txt'], removed: [] })
  })

  it('a re-import that fails half-way (quota) leaves the previous version listed and whole', async () => {
    const [before] = await store.watches()
    const other = await startLocalHelia()
    const limited = new AssetStore(
      { dataDir: other.dir, quotaBytes: 4 * MIB, watch: { rescanMs: 0 } },
      { helia: other.helia, logger: silentLogger }
    )
    await limited.start()
    try {
      const dir = join(other.dir, 'data')
      await mkdir(dir)
      await writeFile(join(dir, 'a.bin'), randomBytes(2 * MIB))
      // compressed: the stored size is only known while importing, so it stops mid-way
      const first = await limited.watch(dir, { compress: 'gzip' })
      await writeFile(join(dir, 'b.bin'), randomBytes(3 * MIB))
      await assert.rejects(limited.syncWatch(first.watch.id), { code: 'ERR_QUOTA_EXCEEDED' })
      const [watch] = await limited.watches()
      assert.equal(watch?.cid, first.watch.cid)
      assert.equal(watch?.version, 1)
      assert.deepEqual(
        (await limited.list()).map((a) => a.cid),
        [first.watch.cid]
      )
    } finally {
      await limited.stop()
      await other.stop()
    }
    assert.equal((await store.watches())[0]?.cid, before!.cid)
  })

  it('unwatch stops following; the asset stays as its last version', async () => {
    const [watch] = await store.watches()
    await store.unwatch(watch!.id)
    assert.deepEqual(await store.watches(), [])
    const record = await store.get(watch!.cid)
    assert.equal(record?.watchId, undefined)
    await writeFile(join(folder, 'notes.txt'), 'third draft\n')
    await new Promise((r) => setTimeout(r, 400))
    assert.ok(await store.get(watch!.cid), 'no new version replaced it')
    await assert.rejects(store.syncWatch(watch!.id), { code: 'ERR_WATCH_NOT_FOUND' })
  })
})

describe('watches across restarts, pins, rm and gc', () => {
  let h: LocalHelia

  before(async () => {
    h = await startLocalHelia()
  })
  after(async () => {
    await h.stop()
  })

  const open = async (): Promise<AssetStore> => {
    const store = new AssetStore(
      { dataDir: h.dir, quotaBytes: 0, watch: { debounceMs: 100, rescanMs: 0 } },
      { helia: h.helia, logger: silentLogger }
    )
    await store.start()
    return store
  }

  it('pins each version and drops the previous pin; a restart catches up on changes made while stopped', async () => {
    const dir = join(h.dir, 'renders')
    await mkdir(dir)
    await writeFile(join(dir, 'a.exr'), randomBytes(100_000))
    await writeFile(join(dir, 'b.exr'), randomBytes(100_000))
    let store = await open()
    const first = await store.watch(dir)
    assert.equal(first.record?.pinned, true)
    await store.stop()

    await writeFile(join(dir, 'b.exr'), randomBytes(120_000))
    store = await open()
    try {
      assert.ok(
        await waitFor(async () => (await store.watches())[0]?.version === 2),
        'the restarted node re-imported the file changed while it was stopped'
      )
      const [watch] = await store.watches()
      assert.deepEqual(watch?.lastChange, { changed: ['b.exr'], removed: [] })
      const { CID } = await import('multiformats/cid')
      assert.equal(await h.helia.pins.isPinned(CID.parse(watch!.cid)), true, 'the new version is pinned')
      // the previous version is released after the new one is recorded
      assert.ok(
        await waitFor(async () => !(await h.helia.pins.isPinned(CID.parse(first.watch.cid)))),
        'the old pin went'
      )

      const removed = await store.rm(watch!.cid)
      assert.equal(removed.watchId, watch!.id)
      assert.deepEqual(await store.watches(), [], 'removing the asset ends its watch')
    } finally {
      await store.stop()
    }
  })

  it('a watched file saved the way editors do (a new file renamed over it) becomes a new version', async () => {
    const dir = join(h.dir, 'single')
    await mkdir(dir)
    const path = join(dir, 'scene.blend')
    await writeFile(path, randomBytes(200_000))
    const store = await open()
    try {
      const first = await store.watch(path, { compress: 'none' })
      assert.equal(first.watch.kind, 'file')
      const saved = randomBytes(210_000)
      await writeFile(join(dir, '.scene.blend.tmp'), saved)
      await rename(join(dir, '.scene.blend.tmp'), path)
      assert.ok(
        await waitFor(async () => (await store.watches())[0]?.files['']?.size === saved.byteLength),
        'the rename was noticed'
      )
      const [watch] = await store.watches()
      const out = join(h.dir, 'single-out.blend')
      await store.exportTo(watch!.cid, out)
      assert.deepEqual(await readFile(out), saved)
      await store.unwatch(watch!.id)
    } finally {
      await store.stop()
    }
  })

  it('gc collects an unpinned watched asset and ends its watch', async () => {
    const dir = join(h.dir, 'scratch')
    await mkdir(dir)
    await writeFile(join(dir, 'tmp.bin'), randomBytes(50_000))
    const store = await open()
    try {
      const w = await store.watch(dir, { pin: false })
      const { removedAssets } = await store.gc()
      assert.ok(removedAssets.includes(w.watch.cid))
      assert.deepEqual(await store.watches(), [])
    } finally {
      await store.stop()
    }
  })
})
