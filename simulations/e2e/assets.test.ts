import assert from 'node:assert/strict'
import { randomBytes } from 'node:crypto'
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { WebSocket } from 'ws'
import type { RynusNode } from '../../node/rynus-node.js'
import { extractTar, packTar } from '../../storage/assets/index.js'
import { importBytes } from '../../storage/files/index.js'
import { type CliRun, removeTempDirs, runCli, startTestNode, tempDataDir } from './harness.js'

/** A valid CID no asset has. */
const NOBODY_HAS = 'bafkreigh2akiscaildcqabsyg3dfr6chu3fgpregiymsck7e7aqa4s52zy'

function table(bytes: number): Buffer {
  let s = ''
  for (let i = 0; s.length < bytes; i++) s += `${i},${(i * 13) % 97},label-${i % 4}\n`
  return Buffer.from(s).subarray(0, bytes)
}

async function collect(source: AsyncIterable<Uint8Array>): Promise<Buffer> {
  const parts: Uint8Array[] = []
  for await (const p of source) parts.push(p)
  return Buffer.concat(parts)
}

interface ApiError {
  error: { code: string; message: string; fields?: Record<string, string> }
}

describe('assets through the HTTP API and the CLI', () => {
  let node: RynusNode
  let base: string
  let token: string
  const api = async (path: string, init: RequestInit = {}): Promise<Response> =>
    fetch(`${base}/api/v1${path}`, {
      ...init,
      headers: { authorization: `Bearer ${token}`, ...(init.headers as Record<string, string>) }
    })

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

  it('uploads raw by default, compressed and pinned on request, with the contract fields and progress events', async () => {
    const ws = new WebSocket(`ws://127.0.0.1:${node.api.address().port}/api/v1/events?token=${token}`)
    const events: Array<Record<string, unknown>> = []
    ws.on('message', (d) => events.push(JSON.parse(d.toString()) as Record<string, unknown>))
    await new Promise((r) => ws.once('open', r))

    const bytes = randomBytes(2 * 1024 * 1024 + 9)
    const raw = await api('/assets?name=scene.blend', { method: 'POST', body: bytes })
    assert.equal(raw.status, 200)
    const a = (await raw.json()) as Record<string, unknown>
    assert.deepEqual(Object.keys(a).sort(), [
      'addedAt',
      'cid',
      'codec',
      'kind',
      'name',
      'pinned',
      'size',
      'storedBytes'
    ])
    assert.equal(a.cid, (await importBytes(node.helia, bytes)).cid, 'raw bytes, the plain CID')
    assert.deepEqual(
      [a.name, a.size, a.storedBytes, a.codec, a.pinned, a.kind],
      ['scene.blend', bytes.byteLength, bytes.byteLength, 'none', false, 'file']
    )

    const csv = table(500_000)
    const gz = (await (
      await api('/assets?name=data.csv&compress=gzip&pin=1', { method: 'POST', body: csv })
    ).json()) as Record<string, number | string | boolean>
    assert.equal(gz.codec, 'gzip')
    assert.equal(gz.pinned, true)
    assert.ok((gz.storedBytes as number) < csv.byteLength / 2)

    const list = (await (await api('/assets')).json()) as { assets: Array<Record<string, unknown>> }
    assert.deepEqual(
      list.assets.slice(0, 2).map((x) => x.cid),
      [gz.cid, a.cid],
      'newest first'
    )
    for (const k of [
      'cid',
      'name',
      'size',
      'storedBytes',
      'codec',
      'pinned',
      'kind',
      'status',
      'chunks',
      'addedAt',
      'mtime'
    ]) {
      assert.ok(k in list.assets[0], `list has ${k}`)
    }
    assert.equal(list.assets[1].chunks, 3)
    assert.equal(list.assets[1].status, 'complete')
    const one = (await (await api(`/assets/${gz.cid}`)).json()) as Record<string, unknown>
    assert.equal(one.name, 'data.csv')

    const content = await api(`/assets/${gz.cid}/content`)
    assert.equal(content.status, 200)
    assert.match(content.headers.get('content-disposition') ?? '', /^attachment; filename="data\.csv"/)
    assert.ok(csv.equals(Buffer.from(await content.arrayBuffer())), 'downloaded decompressed')

    const end = Date.now() + 5000
    const finished = (phase: string, cid: unknown): boolean =>
      events.some((e) => e.type === 'asset' && e.phase === phase && e.done === true && e.cid === cid)
    while (!(finished('import', gz.cid) && finished('export', gz.cid)) && Date.now() < end) {
      await new Promise((r) => setTimeout(r, 50))
    }
    const done = events.find(
      (e) => e.type === 'asset' && e.phase === 'import' && e.done === true && e.cid === gz.cid
    )
    assert.ok(done, `a final import event: ${JSON.stringify(events.filter((e) => e.type === 'asset'))}`)
    assert.equal(done.bytes, csv.byteLength)
    assert.equal(typeof done.rateBytesPerSec, 'number')
    assert.ok(finished('export', gz.cid), 'a final export event for the download')
    ws.close()
  })

  it('takes a folder as a tar stream and gives it back as one', async () => {
    const files: Record<string, Buffer> = { 'scene.blend': table(300_000), 'tex/wood.png': randomBytes(4000) }
    const tar = await collect(
      packTar([
        { path: 'tex', type: 'directory' as const, size: 0 },
        ...Object.entries(files).map(([path, d]) => ({
          path,
          type: 'file' as const,
          size: d.byteLength,
          content: (async function* () {
            yield d
          })()
        }))
      ])
    )
    const res = await api('/assets?name=project&kind=folder&compress=auto', { method: 'POST', body: tar })
    assert.equal(res.status, 200, await res.clone().text())
    const folder = (await res.json()) as { cid: string; kind: string; codec: string; size: number }
    assert.deepEqual([folder.kind, folder.codec, folder.size], ['folder', 'gzip', 304_000])
    const dl = await api(`/assets/${folder.cid}/content`)
    assert.equal(dl.headers.get('content-type'), 'application/x-tar')
    assert.match(dl.headers.get('content-disposition') ?? '', /filename="project\.tar"/)
    const got: Record<string, Buffer> = {}
    for await (const e of extractTar(dl.body as unknown as AsyncIterable<Uint8Array>)) {
      if (e.type === 'file') got[e.path] = await collect(e.content!)
    }
    for (const [p, d] of Object.entries(files)) assert.ok(d.equals(got[p]), `${p} byte-equal`)
  })

  it('answers bad input with 400/404 and a message that says what to do', async () => {
    const cases: Array<[string, RequestInit, number, string, RegExp]> = [
      [`/assets/${NOBODY_HAS}`, {}, 404, 'ERR_ASSET_NOT_FOUND', /assets ls/],
      [`/assets/${NOBODY_HAS}/content`, {}, 404, 'ERR_ASSET_NOT_FOUND', /no asset/],
      ['/assets/not-a-cid', {}, 400, 'ERR_INVALID_CID', /not a valid CID/],
      ['/assets/not-a-cid/pin', { method: 'POST' }, 400, 'ERR_INVALID_CID', /not a valid CID/],
      [`/assets/${NOBODY_HAS}`, { method: 'DELETE' }, 404, 'ERR_ASSET_NOT_FOUND', /no asset/],
      [
        '/assets?name=a.bin&compress=zip',
        { method: 'POST', body: 'x' },
        400,
        'ERR_BAD_REQUEST',
        /auto, none, gzip or brotli/
      ],
      [
        '/assets?name=..%2Fetc%2Fpasswd',
        // a body far larger than the socket buffers: the answer still arrives, not a reset
        { method: 'POST', body: randomBytes(8 * 1024 * 1024) },
        400,
        'ERR_BAD_REQUEST',
        /without \/ or \\/
      ],
      ['/assets', { method: 'POST', body: 'x' }, 400, 'ERR_BAD_REQUEST', /\?name=scene\.blend/],
      ['/assets?name=f&kind=folder', { method: 'POST', body: 'not a tar' }, 400, 'ERR_BAD_ARCHIVE', /archive/]
    ]
    for (const [path, init, status, code, message] of cases) {
      const res = await api(path, init)
      const body = (await res.json()) as ApiError
      assert.equal(res.status, status, `${path}: ${JSON.stringify(body)}`)
      assert.equal(body.error.code, code, path)
      assert.match(body.error.message, message, path)
    }
    assert.deepEqual(
      (await api('/assets')).ok &&
        ((await (await api('/assets')).json()) as { assets: Array<{ name: string }> }).assets.filter(
          (x) => x.name === 'f'
        ),
      [],
      'a failed upload records nothing'
    )
  })

  it('refuses a compressed asset as a render or training input, saying to add it with --compress none', async () => {
    const gz = (await (
      await api('/assets?name=scene2.blend&compress=gzip', { method: 'POST', body: table(10_000) })
    ).json()) as { cid: string }
    const render = await api('/jobs/render', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        input: { cid: gz.cid, name: 'scene2.blend', size: 10_000 },
        frames: { start: 1, end: 2 },
        maxPricePerUnit: '1000'
      })
    })
    assert.equal(render.status, 400)
    const body = (await render.json()) as ApiError
    assert.equal(body.error.code, 'ERR_COMPRESSED_INPUT')
    assert.match(body.error.message, /--compress none/)
    const train = await api('/jobs/train/estimate', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        dataset: { cid: gz.cid, name: 'd.csv' },
        labelColumn: 'x',
        epochs: 1,
        maxPricePerUnit: '1',
        model: { kind: 'template', name: 'mlp' }
      })
    })
    assert.equal(((await train.json()) as ApiError).error.code, 'ERR_COMPRESSED_INPUT')
  })

  it('pins, unpins, removes and collects garbage', async () => {
    const data = randomBytes(1024 * 1024 + 1)
    const a = (await (await api('/assets?name=tmp.bin&pin=1', { method: 'POST', body: data })).json()) as {
      cid: string
    }
    assert.equal(
      ((await (await api(`/assets/${a.cid}/pin`, { method: 'DELETE' })).json()) as { pinned: boolean })
        .pinned,
      false
    )
    assert.equal(
      ((await (await api(`/assets/${a.cid}/pin`, { method: 'POST' })).json()) as { pinned: boolean }).pinned,
      true
    )
    const removed = await api(`/assets/${a.cid}`, { method: 'DELETE' })
    assert.equal(((await removed.json()) as { removed: { cid: string } }).removed.cid, a.cid)
    assert.equal((await api(`/assets/${a.cid}`)).status, 404)
    const gc = (await (await api('/assets/gc', { method: 'POST' })).json()) as { freedBytes: number }
    assert.ok(gc.freedBytes >= data.byteLength, `freed ${gc.freedBytes}`)
  })

  it('refuses gc while a job is under way (its data is unpinned), and runs it once the job is over', async () => {
    const scene = (await (
      await api('/assets?name=job.blend', { method: 'POST', body: randomBytes(5000) })
    ).json()) as {
      cid: string
    }
    const submitted = await api('/jobs/render', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        input: { cid: scene.cid, name: 'job.blend', size: 5000 },
        frames: { start: 1, end: 1 },
        maxPricePerUnit: '1000'
      })
    })
    assert.equal(submitted.status, 200, await submitted.clone().text())
    const { jobId } = (await submitted.json()) as { jobId: string }
    const refused = await api('/assets/gc', { method: 'POST' })
    assert.equal(refused.status, 409)
    const body = (await refused.json()) as ApiError
    assert.equal(body.error.code, 'ERR_GC_BUSY')
    assert.match(body.error.message, /1 job is under way.*when they have finished/)
    assert.equal((await api(`/jobs/${jobId}/cancel`, { method: 'POST' })).status, 200)
    assert.equal((await api('/assets/gc', { method: 'POST' })).status, 200)
  })

  describe('the CLI', () => {
    const cli = (args: string[]): Promise<CliRun> => runCli(['assets', ...args, '--data-dir', node.dataDir])

    it('adds, lists, gets and removes a file and a folder', async () => {
      const dir = await tempDataDir()
      const data = table(1_500_000)
      await writeFile(join(dir, 'train.csv'), data)
      const added = await cli(['add', join(dir, 'train.csv'), '--json'])
      assert.equal(added.code, 0, added.stderr)
      const file = JSON.parse(added.stdout) as { cid: string; codec: string; size: number }
      assert.deepEqual([file.codec, file.size], ['gzip', data.byteLength], 'auto compresses a CSV')
      const text = await cli(['add', join(dir, 'train.csv'), '--compress', 'none', '--pin'])
      assert.equal(text.code, 0, text.stderr)
      assert.match(text.stdout, /added file train\.csv \(1\.4 MiB\), pinned/)

      const src = join(dir, 'project')
      await mkdir(join(src, 'sub', 'deeper'), { recursive: true })
      await writeFile(join(src, 'a.txt'), table(5000))
      await writeFile(join(src, 'sub', 'deeper', 'b.png'), randomBytes(3000))
      const folder = JSON.parse((await cli(['add', src, '--json'])).stdout) as { cid: string; kind: string }
      assert.equal(folder.kind, 'folder')

      const ls = JSON.parse((await cli(['ls', '--json'])).stdout) as { assets: Array<{ cid: string }> }
      assert.ok([file.cid, folder.cid].every((c) => ls.assets.some((x) => x.cid === c)))
      assert.match((await cli(['ls'])).stdout, new RegExp(`${folder.cid}\\s+folder`))

      const out = join(dir, 'out.csv')
      const got = await cli(['get', file.cid, '-o', out])
      assert.equal(got.code, 0, got.stderr)
      assert.ok(data.equals(await readFile(out)), 'the file comes back byte for byte')
      const outDir = join(dir, 'project-copy')
      assert.equal((await cli(['get', folder.cid, '-o', outDir])).code, 0)
      assert.ok((await readFile(join(src, 'a.txt'))).equals(await readFile(join(outDir, 'a.txt'))))
      assert.ok(
        (await readFile(join(src, 'sub/deeper/b.png'))).equals(
          await readFile(join(outDir, 'sub/deeper/b.png'))
        )
      )
      assert.deepEqual(
        await readdir(dir),
        ['out.csv', 'project', 'project-copy', 'train.csv'],
        'no partial files left'
      )

      const rm = await cli(['rm', file.cid])
      assert.equal(rm.code, 0, rm.stderr)
      assert.match(rm.stdout, /assets gc/)
      const after = JSON.parse((await cli(['ls', '--json'])).stdout) as { assets: Array<{ cid: string }> }
      assert.ok(!after.assets.some((x) => x.cid === file.cid))
      const gc = await cli(['gc', '--json'])
      assert.equal(gc.code, 0, gc.stderr)
      assert.equal(typeof (JSON.parse(gc.stdout) as { freedBytes: number }).freedBytes, 'number')
    })

    it('an invalid CID, a missing path and an unreadable file each give one clear line and a non-zero exit', async () => {
      const cases: Array<[string[], RegExp]> = [
        [['get', 'not-a-cid', '-o', '/tmp/x'], /"not-a-cid" is not a valid CID/],
        [['pin', 'Qm123'], /not a valid CID/],
        [['add', '/no/such/scene.blend'], /no file or folder at \/no\/such\/scene\.blend/],
        [['add', '/proc/self/mem'], /cannot read \/proc\/self\/mem/],
        [['get', NOBODY_HAS], /no asset/],
        [['add', '/etc/hostname', '--compress', 'zip'], /auto, none, gzip or brotli/]
      ]
      for (const [args, message] of cases) {
        const res = await cli(args)
        assert.notEqual(res.code, 0, args.join(' '))
        const lines = res.stderr.trim().split('\n')
        assert.equal(lines.length, 1, `one line for ${args.join(' ')}: ${res.stderr}`)
        assert.match(lines[0], message)
      }
      const help = await cli(['--help'])
      assert.equal(help.code, 0)
      assert.match(help.stdout, /rynus-node assets add <file\|folder>/)
    })
  })
})

describe('the storage quota through the API', () => {
  it('refuses an upload beyond it with 507, used/free and what to do, and records nothing', async () => {
    const node = await startTestNode({ roles: ['requester'], storageQuotaBytes: 2 * 1024 * 1024 })
    try {
      const base = `http://127.0.0.1:${node.api.address().port}/api/v1`
      const token = (await readFile(join(node.dataDir, 'api-token'), 'utf8')).trim()
      const headers = { authorization: `Bearer ${token}` }
      const ok = await fetch(`${base}/assets?name=a.bin`, {
        method: 'POST',
        headers,
        body: randomBytes(1024 * 1024)
      })
      assert.equal(ok.status, 200)
      const over = await fetch(`${base}/assets?name=b.bin`, {
        method: 'POST',
        headers,
        body: randomBytes(1536 * 1024)
      })
      assert.equal(over.status, 507)
      const body = (await over.json()) as ApiError
      assert.equal(body.error.code, 'ERR_QUOTA_EXCEEDED')
      assert.match(
        body.error.message,
        /1\.0 MiB of 2\.0 MiB used, 1\.0 MiB free.*assets rm.*assets gc.*storage\.quotaBytes/
      )
      const tar = await collect(
        packTar([
          {
            path: 'big.bin',
            type: 'file',
            size: 1536 * 1024,
            content: (async function* () {
              yield randomBytes(1536 * 1024)
            })()
          }
        ])
      )
      const overFolder = await fetch(`${base}/assets?name=dir&kind=folder`, {
        method: 'POST',
        headers,
        body: tar
      })
      assert.equal(overFolder.status, 507, 'a folder too big for the quota is refused while it unpacks')
      assert.equal(((await overFolder.json()) as ApiError).error.code, 'ERR_QUOTA_EXCEEDED')
      assert.deepEqual(await readdir(join(node.dataDir, 'uploads')), [], 'its unpacked files are gone')
      const list = (await (await fetch(`${base}/assets`, { headers })).json()) as {
        assets: Array<{ name: string }>
      }
      assert.deepEqual(
        list.assets.map((a) => a.name),
        ['a.bin']
      )
    } finally {
      await node.stop()
      await removeTempDirs()
    }
  })
})
