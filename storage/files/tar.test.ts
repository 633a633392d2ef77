import assert from 'node:assert/strict'
import { mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { buffer } from 'node:stream/consumers'
import { after, before, describe, it } from 'node:test'
import { packFolder, unpackTar } from './tar.js'

/** Together more than the 100 bytes of a ustar name: the folder goes into the prefix field. */
const LONG_DIR = 'd'.repeat(70)
const LONG_NAME = `${'n'.repeat(60)}.txt`
const LIMITS = { maxEntries: 100, maxFileBytes: 1024 * 1024 }

/** Sets a header's name and type, and fixes its checksum. */
function rewrite(archive: Buffer, at: number, name: string, type = '0'): Buffer {
  const copy = Buffer.from(archive)
  const block = copy.subarray(at, at + 512)
  block.fill(0, 0, 100)
  block.write(name, 0, 100, 'utf8')
  block.write(type, 156, 'latin1')
  block.fill(0x20, 148, 156)
  const sum = block.reduce((a, b) => a + b, 0)
  block.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 'latin1')
  return copy
}

async function* chunks(bytes: Buffer, size = 700): AsyncGenerator<Buffer> {
  for (let i = 0; i < bytes.length; i += size) yield bytes.subarray(i, i + size)
}

describe('folder archives (ustar)', () => {
  let dir: string
  let archive: Buffer
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'rynus-tar-test-'))
    await mkdir(join(dir, 'src', 'circle'), { recursive: true })
    await mkdir(join(dir, 'src', 'empty'))
    await writeFile(join(dir, 'src', 'circle', 'a.png'), Buffer.alloc(1300, 7))
    await mkdir(join(dir, 'src', LONG_DIR))
    await writeFile(join(dir, 'src', LONG_DIR, LONG_NAME), 'long name')
    const packed = await packFolder(join(dir, 'src'))
    archive = await buffer(packed.stream)
    assert.equal(archive.length, packed.size, 'the announced size is the real size')
  })
  after(() => rm(dir, { recursive: true, force: true }))

  it('unpacks what it packed, in chunks of any size', async () => {
    const out = join(dir, 'out')
    const got = await unpackTar(chunks(archive, 333), out, LIMITS)
    assert.deepEqual(got, { files: 2, bytes: 1300 + 9 })
    assert.deepEqual(await readFile(join(out, 'circle', 'a.png')), Buffer.alloc(1300, 7))
    assert.equal(await readFile(join(out, LONG_DIR, LONG_NAME), 'utf8'), 'long name', 'a path over 100 bytes')
  })

  it('refuses links, paths out of the folder, damaged and truncated archives, and too many entries', async () => {
    // entries in name order: circle/ (0), circle/a.png (512), empty/ (512 + 1536), …
    const cases: [Buffer, RegExp][] = [
      [rewrite(archive, 512, '../escape.png'), /would leave the folder/],
      [rewrite(archive, 512, '/etc/passwd'), /would leave the folder/],
      [rewrite(archive, 512, 'circle/link.png', '2'), /not a regular file or folder/],
      [Buffer.concat([archive.subarray(0, 512), Buffer.alloc(512, 1)]), /checksum/],
      [archive.subarray(0, 1200), /ends in the middle of a file/],
      [archive.subarray(0, archive.length - 1024), /without its end marker/]
    ]
    for (const [i, [bytes, error]] of cases.entries()) {
      await assert.rejects(unpackTar(chunks(bytes), join(dir, `bad-${i}`), LIMITS), {
        code: 'ERR_BAD_ARCHIVE',
        message: error
      })
    }
    await assert.rejects(
      unpackTar(chunks(archive), join(dir, 'few'), { ...LIMITS, maxEntries: 2 }),
      /more than 2 entries/
    )
    await assert.rejects(
      unpackTar(chunks(archive), join(dir, 'small'), { ...LIMITS, maxFileBytes: 100 }),
      /a\.png has 1300 bytes/
    )
  })

  it('refuses to pack a folder holding a link', async () => {
    await mkdir(join(dir, 'linked'))
    await symlink('/etc/passwd', join(dir, 'linked', 'x.png'))
    await assert.rejects(packFolder(join(dir, 'linked')), /link or special file/)
  })
})
