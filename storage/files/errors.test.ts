import assert from 'node:assert/strict'
import { mkdir, readdir, symlink, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { CID } from 'multiformats/cid'
import * as json from 'multiformats/codecs/json'
import { sha256 } from 'multiformats/hashes/sha2'
import { type LocalHelia, startLocalHelia } from '../blocks/testing.js'
import {
  exportDirectory,
  exportToFile,
  FetchTimeoutError,
  hasAll,
  importBytes,
  importDirectory,
  importFile,
  parseCid
} from './index.js'

/** A valid CID of bytes no node has. */
const NOBODY_HAS = 'bafkreigh2akiscaildcqabsyg3dfr6chu3fgpregiymsck7e7aqa4s52zy'

describe('clear errors from the file functions', () => {
  let h: LocalHelia
  before(async () => {
    h = await startLocalHelia()
  })
  after(async () => {
    await h.stop()
  })

  it('an invalid CID string gives ERR_INVALID_CID, quoting it', async () => {
    for (const bad of ['', 'not-a-cid', 'bafy123', 'Qm']) {
      assert.throws(() => parseCid(bad), { code: 'ERR_INVALID_CID' })
    }
    await assert.rejects(exportToFile(h.helia, 'hello world', join(h.dir, 'x')), (err: Error) => {
      assert.equal((err as { code?: string }).code, 'ERR_INVALID_CID')
      assert.match(err.message, /"hello world" is not a valid CID/)
      return true
    })
    await assert.rejects(hasAll(h.helia, 'zzz'), { code: 'ERR_INVALID_CID' })
    assert.equal(parseCid(` ${NOBODY_HAS}\n`).toString(), NOBODY_HAS, 'surrounding whitespace is forgiven')
  })

  it('a missing path gives ERR_PATH_NOT_FOUND naming it', async () => {
    const missing = join(h.dir, 'no', 'such', 'scene.blend')
    await assert.rejects(importFile(h.helia, missing), (err: Error) => {
      assert.equal((err as { code?: string }).code, 'ERR_PATH_NOT_FOUND')
      assert.ok(err.message.includes(missing))
      return true
    })
    await assert.rejects(importDirectory(h.helia, missing), { code: 'ERR_PATH_NOT_FOUND' })
  })

  it('a file that fails to read gives ERR_FILE_UNREADABLE', async () => {
    // a regular file whose reads fail with EIO, even for root
    await assert.rejects(importFile(h.helia, '/proc/self/mem'), (err: Error) => {
      assert.equal((err as { code?: string }).code, 'ERR_FILE_UNREADABLE')
      assert.match(err.message, /cannot read \/proc\/self\/mem: read failed/)
      return true
    })
  })

  it('folders and files are not confused, and links are not followed', async () => {
    const dir = join(h.dir, 'folder')
    await mkdir(dir)
    await writeFile(join(dir, 'a.txt'), 'a')
    await assert.rejects(importFile(h.helia, dir), { code: 'ERR_NOT_A_FILE' })
    await assert.rejects(importDirectory(h.helia, join(dir, 'a.txt')), { code: 'ERR_NOT_A_DIRECTORY' })

    const folder = await importDirectory(h.helia, dir)
    await assert.rejects(exportToFile(h.helia, folder.cid, join(h.dir, 'f')), { code: 'ERR_NOT_A_FILE' })
    const file = await importBytes(h.helia, new Uint8Array([1]))
    await assert.rejects(exportDirectory(h.helia, file.cid, join(h.dir, 'd')), {
      code: 'ERR_NOT_A_DIRECTORY'
    })

    const spec = new TextEncoder().encode('{"kind":"render"}')
    const specCid = CID.createV1(json.code, await sha256.digest(spec))
    await h.helia.blockstore.put(specCid, spec)
    await assert.rejects(exportToFile(h.helia, specCid, join(h.dir, 'spec')), { code: 'ERR_NOT_A_FILE' })

    await symlink('/etc/passwd', join(dir, 'passwd'))
    await assert.rejects(importDirectory(h.helia, dir), { code: 'ERR_FILE_UNREADABLE' })
  })

  it('a CID no provider answers for gives ERR_FETCH_TIMEOUT naming it, and writes nothing', async () => {
    const out = join(h.dir, 'timeout')
    await mkdir(out)
    await assert.rejects(
      exportToFile(h.helia, NOBODY_HAS, join(out, 'frame.png'), { timeoutMs: 300 }),
      (err) => {
        assert.ok(err instanceof FetchTimeoutError)
        assert.equal(err.code, 'ERR_FETCH_TIMEOUT')
        assert.equal(err.cid, NOBODY_HAS)
        assert.match(err.message, new RegExp(`fetching ${NOBODY_HAS} timed out: no provider sent any data`))
        return true
      }
    )
    await assert.rejects(exportDirectory(h.helia, NOBODY_HAS, join(out, 'dir'), { timeoutMs: 300 }), {
      code: 'ERR_FETCH_TIMEOUT'
    })
    assert.deepEqual(await readdir(out), [])
  })

  it('a fetch cancelled by the caller is an abort, not a timeout', async () => {
    const controller = new AbortController()
    setTimeout(() => controller.abort(), 100)
    await assert.rejects(
      exportToFile(h.helia, NOBODY_HAS, join(h.dir, 'cancelled'), {
        signal: controller.signal,
        timeoutMs: 60_000
      }),
      { name: 'AbortError' }
    )
  })

  it('a missing block in offline mode fails at once with ERR_NOT_STORED_LOCALLY', async () => {
    await assert.rejects(exportToFile(h.helia, NOBODY_HAS, join(h.dir, 'offline'), { offline: true }), {
      code: 'ERR_NOT_STORED_LOCALLY'
    })
    assert.equal(await hasAll(h.helia, NOBODY_HAS), false)
  })
})
