import assert from 'node:assert/strict'
import { type ChildProcess, fork } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { CHUNK_SIZE_BYTES } from '../files/constants.js'
import { exportToFile, importBytes } from '../files/index.js'
import type { FetchDagResult } from './fetch-dag.js'
import type { FetchProgress } from './progress.js'
import { type BlocksNode, startBlocksNode } from './testing.js'

const CHILD = new URL('./testing-child.js', import.meta.url).pathname
const MiB = 1024 * 1024

type ChildMessage = { progress: FetchProgress } | { result: FetchDagResult }

function fetchInChild(dir: string, provider: string, cid: string): ChildProcess {
  return fork(CHILD, [dir, provider, cid], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] })
}

describe('a fetch killed mid-way resumes', () => {
  let provider: BlocksNode
  let dir: string
  before(async () => {
    provider = await startBlocksNode()
    dir = await mkdtemp(join(tmpdir(), 'rynus-resume-'))
  })
  after(async () => {
    await provider.remove()
    await rm(dir, { recursive: true, force: true })
  })

  it('after SIGKILL, the second fetch moves only what was not stored (plus at most one chunk)', async () => {
    const data = randomBytes(64 * MiB)
    const { cid } = await importBytes(provider.helia, data)
    const addr = provider.libp2p.getMultiaddrs()[0].toString()

    // first run: killed once a quarter of the file is stored
    const first = fetchInChild(dir, addr, cid)
    let storedBeforeKill = 0
    const killed = await new Promise<boolean>((resolve, reject) => {
      first.on('message', (m: ChildMessage) => {
        if (!('progress' in m)) return
        storedBeforeKill = m.progress.bytes
        if (m.progress.bytes >= 16 * MiB && first.exitCode === null) first.kill('SIGKILL')
      })
      first.once('exit', (_code, signal) => resolve(signal === 'SIGKILL'))
      first.once('error', reject)
    })
    assert.ok(killed, 'the first fetch was killed before it finished')
    assert.ok(storedBeforeKill < data.byteLength, 'it had not fetched everything')

    // second run on the same data dir
    const second = fetchInChild(dir, addr, cid)
    const result = await new Promise<FetchDagResult>((resolve, reject) => {
      second.on('message', (m: ChildMessage) => {
        if ('result' in m) resolve(m.result)
      })
      second.once('exit', (code) => reject(new Error(`the second fetch exited with ${code}`)))
    })
    await new Promise((r) => second.once('exit', r))
    assert.equal(result.bytes, data.byteLength)
    assert.ok(
      result.fetchedBytes <= data.byteLength - storedBeforeKill + CHUNK_SIZE_BYTES,
      `fetched again ${result.fetchedBytes} bytes; at most ${data.byteLength - storedBeforeKill + CHUNK_SIZE_BYTES} allowed`
    )

    const node = await startBlocksNode({ dir })
    try {
      const dest = join(dir, 'out.bin')
      await exportToFile(node.helia, cid, dest, { offline: true })
      assert.ok(data.equals(await readFile(dest)), 'the resumed fetch gives the exact bytes')
    } finally {
      await node.stop()
    }
  })
})
