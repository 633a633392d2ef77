import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, describe, it } from 'node:test'
import { fileURLToPath } from 'node:url'
import { createLibp2p } from 'libp2p'
import { silentLogger } from '../../protocols/common/logger.js'
import { createNodeHelia } from '../blocks/helia.js'
import { AssetStore } from './index.js'

const MIB = 1024 * 1024

/**
 * A node (child process) watching `folder`: it records version 1, then on "go" rescans, and
 * prints "importing" once the re-import is reading the changed file.
 */
function childScript(dataDir: string, folder: string): string {
  const mod = (path: string): string => JSON.stringify(new URL(path, import.meta.url).href)
  return `
    import { createLibp2p } from 'libp2p'
    import { silentLogger } from ${mod('../../protocols/common/logger.js')}
    import { createNodeHelia } from ${mod('../blocks/helia.js')}
    import { AssetStore } from ${mod('./index.js')}
    const libp2p = await createLibp2p({})
    const node = await createNodeHelia({ libp2p, dataDir: ${JSON.stringify(dataDir)}, logger: silentLogger })
    const store = new AssetStore(
      { dataDir: ${JSON.stringify(dataDir)}, quotaBytes: 0, watch: { debounceMs: 600000, rescanMs: 0 } },
      { helia: node.helia, logger: silentLogger }
    )
    await store.start()
    const first = await store.watch(${JSON.stringify(folder)}, { compress: 'brotli' })
    process.stdout.write('v1 ' + first.watch.cid + '\\n')
    let said = false
    store.events.on('progress', (p) => {
      if (!said && p.bytes > 0) { said = true; process.stdout.write('importing\\n') }
    })
    process.stdin.once('data', async () => {
      await store.syncWatch(first.watch.id)
      process.stdout.write('finished\\n')
    })
  `
}

describe('a node killed while re-importing a watched folder', () => {
  const dirs: string[] = []
  after(async () => {
    for (const d of dirs) await rm(d, { recursive: true, force: true })
  })

  it('keeps the previous version whole and listed; the next rescan records the edit', async () => {
    const root = await mkdtemp(join(tmpdir(), 'rynus-watch-crash-'))
    dirs.push(root)
    const dataDir = join(root, 'node')
    const folder = join(root, 'scene')
    await mkdir(dataDir)
    await mkdir(folder)
    const old = randomBytes(24 * MIB)
    await writeFile(join(folder, 'big.bin'), old)
    await writeFile(join(folder, 'notes.txt'), 'v1\n')

    const child = spawn(process.execPath, ['--input-type=module', '-e', childScript(dataDir, folder)], {
      cwd: fileURLToPath(new URL('../../../', import.meta.url))
    })
    let out = ''
    let err = ''
    child.stderr.on('data', (d: Buffer) => {
      err += d.toString()
    })
    const exited = new Promise((r) => child.once('exit', r))
    const seen = (text: string): Promise<void> =>
      new Promise((resolve, reject) => {
        const check = (): void => {
          if (out.includes(text)) resolve()
        }
        child.stdout.on('data', (d: Buffer) => {
          out += d.toString()
          check()
        })
        check()
        void exited.then(() => reject(new Error(`the child ended before "${text}": ${out} ${err}`)))
      })
    await seen('v1 ')
    const v1 = /v1 (\S+)/.exec(out)![1]!
    const fresh = randomBytes(24 * MIB)
    await writeFile(join(folder, 'big.bin'), fresh)
    child.stdin.write('go\n')
    await seen('importing')
    child.kill('SIGKILL')
    await exited
    assert.ok(!out.includes('finished'), 'killed before the re-import completed')

    const libp2p = await createLibp2p({})
    const node = await createNodeHelia({ libp2p, dataDir, logger: silentLogger })
    const store = new AssetStore(
      { dataDir, quotaBytes: 0, watch: { debounceMs: 60_000, rescanMs: 0 } },
      { helia: node.helia, logger: silentLogger }
    )
    try {
      await store.start()
      assert.deepEqual(
        store.interrupted.map((m) => m.name),
        ['scene']
      )
      assert.deepEqual(
        (await store.list()).map((a) => a.cid),
        [v1],
        'the previous version is still the one listed'
      )
      const [watch] = await store.watches()
      assert.deepEqual([watch?.cid, watch?.version], [v1, 1])
      const out1 = join(root, 'v1')
      await store.exportTo(v1, out1)
      assert.ok(old.equals(await readFile(join(out1, 'big.bin'))), 'version 1 comes back whole')

      const next = await store.syncWatch(watch!.id)
      assert.deepEqual([next.changed, next.watch.version], [['big.bin'], 2])
      const out2 = join(root, 'v2')
      await store.exportTo(next.watch.cid, out2)
      assert.ok(fresh.equals(await readFile(join(out2, 'big.bin'))), 'the catch-up version holds the edit')
      assert.deepEqual(
        (await store.list()).map((a) => a.cid),
        [next.watch.cid]
      )
    } finally {
      await store.stop()
      await node.stop()
      await libp2p.stop()
    }
  })
})
