import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { basename, join } from 'node:path'
import { describe, it } from 'node:test'
import { partialPath, writeFileAtomically } from './atomic-write.js'
import { PARTIAL_SUFFIX } from './constants.js'

/** The id of a process that has ended. */
function deadPid(): number {
  const child = spawnSync(process.execPath, ['-e', ''])
  assert.equal(child.status, 0)
  return child.pid as number
}

describe('writeFileAtomically', () => {
  it('clears what a killed export of the same file left here, not what a running one or another machine is writing', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'rynus-atomic-'))
    try {
      const dead = deadPid()
      const host = basename(partialPath(join(dir, 'x'))).split('.')[2]
      const killedFile = `.out.bin.${host}.${dead}-0a1b2c${PARTIAL_SUFFIX}`
      const killedFolder = `.out.bin.${host}.${dead}-3d4e5f${PARTIAL_SUFFIX}`
      const running = `.out.bin.${host}.${process.pid}-abcdef${PARTIAL_SUFFIX}`
      const otherFile = `.other.bin.${host}.${dead}-0a1b2c${PARTIAL_SUFFIX}`
      const otherMachine = `.out.bin.elsewhere.${dead}-0a1b2c${PARTIAL_SUFFIX}`
      await writeFile(join(dir, killedFile), Buffer.alloc(1000))
      await mkdir(join(dir, killedFolder))
      await writeFile(join(dir, killedFolder, 'frame.png'), 'x')
      await writeFile(join(dir, running), 'being written')
      await writeFile(join(dir, otherFile), 'another download')
      await writeFile(join(dir, otherMachine), 'written by another machine sharing the folder')

      const written = await writeFileAtomically(
        join(dir, 'out.bin'),
        [Buffer.from('hello')].values() as never,
        () => {}
      )
      assert.equal(written, 5)
      assert.equal(await readFile(join(dir, 'out.bin'), 'utf8'), 'hello')
      assert.deepEqual((await readdir(dir)).sort(), [otherFile, otherMachine, running, 'out.bin'].sort())
    } finally {
      await rm(dir, { recursive: true, force: true })
    }
  })
})
