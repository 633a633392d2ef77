import assert from 'node:assert/strict'
import { randomBytes } from 'node:crypto'
import { mkdir, readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import type { RynusNode } from '../../node/rynus-node.js'
import { extractTar } from '../../storage/assets/index.js'
import { type CliRun, removeTempDirs, runCli, startTestNode, tempDataDir, waitFor } from './harness.js'

/** Whether the folder asset's tar (an API download) holds `shot.blend` with exactly `want`. */
async function collectShot(res: Response, want: Buffer): Promise<boolean> {
  let same = false
  for await (const e of extractTar(res.body as unknown as AsyncIterable<Uint8Array>)) {
    if (e.type !== 'file') continue
    const parts: Uint8Array[] = []
    for await (const p of e.content!) parts.push(p)
    if (e.path === 'shot.blend') same = want.equals(Buffer.concat(parts))
  }
  return same
}

interface WatchJson {
  id: string
  cid: string
  version: number
  files: number
  path: string
  lastChange?: { changed: string[]; removed: string[] }
}

describe('assets add --watch through the CLI and the HTTP API', () => {
  let node: RynusNode
  let base: string
  let token: string
  const api = async (path: string, init: RequestInit = {}): Promise<Response> =>
    fetch(`${base}/api/v1${path}`, {
      ...init,
      headers: {
        authorization: `Bearer ${token}`,
        'content-type': 'application/json',
        ...(init.headers as Record<string, string>)
      }
    })

  const cli = (args: string[]): Promise<CliRun> => runCli(['assets', ...args, '--data-dir', node.dataDir])

  const watches = async (): Promise<WatchJson[]> =>
    ((await (await api('/assets/watches')).json()) as { watches: WatchJson[] }).watches

  before(async () => {
    node = await startTestNode({ roles: ['requester'] })
    base = `http://127.0.0.1:${node.api.address().port}`
    token = (await readFile(join(node.dataDir, 'api-token'), 'utf8')).trim()
    await writeFile(join(node.dataDir, 'api-address'), `${base}\n`)
  })
  after(async () => {
    await node.stop()
    await removeTempDirs()
  })

  it('watches a folder: an edited file becomes a new version in place of the old, listed with what changed', async () => {
    const src = join(await tempDataDir(), 'scenes')
    await mkdir(join(src, 'textures'), { recursive: true })
    await writeFile(join(src, 'shot.blend'), randomBytes(2_000_000))
    await writeFile(join(src, 'textures', 'wood.png'), randomBytes(50_000))
    const added = await cli(['add', src, '--watch', '--compress', 'none', '--json'])
    assert.equal(added.code, 0, added.stderr)
    const first = JSON.parse(added.stdout) as WatchJson
    assert.deepEqual([first.version, first.files, first.path], [1, 2, src])
    const text = await cli(['add', src, '--watch'])
    assert.match(text.stdout, new RegExp(`watching folder scenes .*assets unwatch ${first.id}`, 's'))

    const edited = randomBytes(2_000_000)
    await writeFile(join(src, 'shot.blend'), edited)
    // version 2 (or 3 when a loaded box let a rescan catch the file half-written): wait for the
    // version whose content is the file as written
    assert.ok(
      await waitFor(async () => {
        const [w] = await watches()
        if (w === undefined || w.version < 2) return false
        const got = await fetch(`${base}/api/v1/assets/${w.cid}/content`, {
          headers: { authorization: `Bearer ${token}` }
        })
        return got.ok && (await collectShot(got, edited))
      }, 20_000),
      'the node re-imported the folder by itself'
    )
    const [second] = await watches()
    assert.deepEqual(second?.lastChange, { changed: ['shot.blend'], removed: [] })
    assert.match((await cli(['watches'])).stdout, /v[23] .* \(changed shot\.blend, /)
    const ls = (await (await api('/assets')).json()) as { assets: Array<{ cid: string }> }
    const cids = ls.assets.map((a) => a.cid)
    assert.ok(cids.includes(second!.cid) && !cids.includes(first.cid), 'the new version replaced the old one')
    assert.match((await cli(['ls'])).stdout, new RegExp(`${second!.cid} .* scenes \\(watched\\)`))

    const stopped = await cli(['unwatch', first.id])
    assert.equal(stopped.code, 0, stopped.stderr)
    assert.match(stopped.stdout, /stopped watching .*scenes; the asset stays as version [23]/)
    assert.deepEqual(await watches(), [])
  })

  it('answers a relative path with 400, an unknown watch with 404, each with its code', async () => {
    const relative = await api('/assets/watches', {
      method: 'POST',
      body: JSON.stringify({ path: 'scenes' })
    })
    assert.equal(relative.status, 400)
    const bad = (await relative.json()) as { error: { code: string; fields?: Record<string, string> } }
    assert.equal(bad.error.code, 'ERR_BAD_REQUEST')
    assert.ok(bad.error.fields?.path)
    const missing = await api('/assets/watches', {
      method: 'POST',
      body: JSON.stringify({ path: '/no/such/folder' })
    })
    assert.equal(((await missing.json()) as { error: { code: string } }).error.code, 'ERR_PATH_NOT_FOUND')
    const unknown = await api('/assets/watches/0123456789abcdef', { method: 'DELETE' })
    assert.equal(unknown.status, 404)
    assert.equal(((await unknown.json()) as { error: { code: string } }).error.code, 'ERR_WATCH_NOT_FOUND')
    const cli404 = await cli(['unwatch', 'nope'])
    assert.notEqual(cli404.code, 0)
    assert.match(cli404.stderr, /no watched asset "nope"/)
  })
})
