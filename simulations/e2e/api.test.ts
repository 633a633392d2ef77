import assert from 'node:assert/strict'
import { randomBytes } from 'node:crypto'
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { WebSocket } from 'ws'
import { loadConfig } from '../../node/config/load.js'
import type { HardwareSample } from '../../node/hardware/index.js'
import type { RynusNode } from '../../node/rynus-node.js'
import type { WorkerSettings } from '../../node/worker/worker-settings.js'
import { importBytes } from '../../storage/files/index.js'
import { dialAddress, removeTempDirs, startTestNode } from './harness.js'

/** GET /worker and PUT /worker/settings answers, as far as the test reads them. */
interface WorkerAnswer {
  enabled: boolean
  settings: WorkerSettings
  history: HardwareSample[]
  capacity: { priceFloorPerUnit: string }
  error: { fields: Record<string, string> }
}

describe('the local HTTP API', () => {
  let node: RynusNode
  let base: string
  let token: string

  before(async () => {
    node = await startTestNode({ metrics: true })
    const { port } = node.api.address()
    base = `http://127.0.0.1:${port}`
    token = (await readFile(join(node.dataDir, 'api-token'), 'utf8')).trim()
  })
  after(async () => {
    await node.stop()
    await removeTempDirs()
  })

  it('listens on 127.0.0.1 only', () => {
    assert.equal(node.api.address().host, '127.0.0.1')
  })

  it('refuses requests without the token or with a wrong one', async () => {
    for (const headers of [{}, { authorization: 'Bearer nope' }, { authorization: `Basic ${token}` }]) {
      const res = await fetch(`${base}/api/v1/status`, { headers })
      assert.equal(res.status, 401)
      const body = (await res.json()) as { error: { code: string; message: string } }
      assert.equal(body.error.code, 'ERR_UNAUTHORIZED')
      assert.match(body.error.message, /api-token/)
    }
    assert.equal((await fetch(`${base}/metrics`)).status, 401)
  })

  it('answers status and peers with the token', async () => {
    const res = await fetch(`${base}/api/v1/status`, { headers: { authorization: `Bearer ${token}` } })
    assert.equal(res.status, 200)
    const s = (await res.json()) as {
      peerId: string
      roles: string[]
      reachability: { status: string }
      versions: { libp2p: string }
    }
    assert.equal(s.peerId, node.peerId.toString())
    assert.deepEqual(s.roles, ['worker', 'requester'])
    assert.equal(s.reachability.status, 'lan-only')
    assert.match(s.versions.libp2p, /^3\./)
    const peers = await fetch(`${base}/api/v1/peers`, { headers: { authorization: `Bearer ${token}` } })
    assert.deepEqual(await peers.json(), { peers: [] })
    const missing = await fetch(`${base}/api/v1/nothing-here`, {
      headers: { authorization: `Bearer ${token}` }
    })
    assert.equal(missing.status, 404)
    assert.equal(((await missing.json()) as { error: { code: string } }).error.code, 'ERR_NOT_FOUND')
  })

  it('serves Prometheus metrics including libp2p metrics when enabled', async () => {
    const res = await fetch(`${base}/metrics`, { headers: { authorization: `Bearer ${token}` } })
    assert.equal(res.status, 200)
    const text = await res.text()
    assert.match(text, /libp2p_/)
  })

  it('streams peer events over the WebSocket, and only with the token', async () => {
    const refused = new WebSocket(`ws://127.0.0.1:${node.api.address().port}/api/v1/events`)
    const refusal = await new Promise<string>((resolve) => {
      refused.on('unexpected-response', (_req, res) => resolve(String(res.statusCode)))
      refused.on('error', (err) => resolve(err.message))
    })
    assert.match(refusal, /401/)

    const ws = new WebSocket(`ws://127.0.0.1:${node.api.address().port}/api/v1/events?token=${token}`)
    const events: Array<{ type: string; peerId?: string }> = []
    ws.on('message', (data) => events.push(JSON.parse(data.toString()) as { type: string }))
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve())
      ws.once('error', reject)
    })
    const other = await startTestNode({ bootstrap: [dialAddress(node)] })
    const end = Date.now() + 10_000
    while (!events.some((e) => e.type === 'peer:connect') && Date.now() < end)
      await new Promise((r) => setTimeout(r, 50))
    assert.equal(events[0]?.type, 'status', 'the first event is the current status')
    assert.ok(
      events.some((e) => e.type === 'peer:connect' && e.peerId === other.peerId.toString()),
      'a peer:connect event for the new peer'
    )
    await other.stop()
    while (!events.some((e) => e.type === 'peer:disconnect') && Date.now() < end + 5_000) {
      await new Promise((r) => setTimeout(r, 50))
    }
    assert.ok(events.some((e) => e.type === 'peer:disconnect' && e.peerId === other.peerId.toString()))
    ws.close()
  })

  it("takes a streamed asset upload into the node's store, and says what is wrong with a bad one", async () => {
    const bytes = randomBytes(3 * 1024 * 1024 + 5)
    const res = await fetch(`${base}/api/v1/assets?name=scene.blend`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/octet-stream' },
      body: bytes
    })
    assert.equal(res.status, 200)
    const asset = (await res.json()) as { cid: string; size: number; name: string }
    assert.equal(asset.size, bytes.byteLength)
    assert.equal(asset.name, 'scene.blend')
    assert.equal(asset.cid, (await importBytes(node.helia, bytes)).cid, "the CID is the content's")

    const bad = await fetch(`${base}/api/v1/assets?name=../../etc/passwd`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}` },
      body: 'x'
    })
    assert.equal(bad.status, 400)
    const body = (await bad.json()) as { error: { code: string; fields?: Record<string, string> } }
    assert.equal(body.error.code, 'ERR_BAD_REQUEST')
    assert.ok(body.error.fields?.name)
  })

  it('answers a render job with field errors the form can show', async () => {
    const res = await fetch(`${base}/api/v1/jobs/render`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        input: { cid: 'not-a-cid', name: 'a.blend', size: 1 },
        frames: { start: 5, end: 1 },
        samples: 0,
        maxPricePerUnit: '1000'
      })
    })
    assert.equal(res.status, 400)
    const body = (await res.json()) as { error: { code: string; fields: Record<string, string> } }
    assert.equal(body.error.code, 'ERR_JOB_SPEC')
    for (const field of ['render.input.cid', 'render.samples']) {
      assert.ok(
        body.error.fields[field] !== undefined,
        `an error for ${field}: ${JSON.stringify(body.error.fields)}`
      )
    }
  })

  it('lets the operator pause the worker and change its prices and hours, kept in config.json', async () => {
    const call = async (method: string, path: string, body?: unknown) => {
      const res = await fetch(`${base}/api/v1${path}`, {
        method,
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        ...(body !== undefined && { body: JSON.stringify(body) })
      })
      return { status: res.status, body: (await res.json()) as WorkerAnswer }
    }
    const before = await call('GET', '/worker')
    assert.equal(before.body.enabled, true)
    assert.equal(before.body.settings.paused, false)
    assert.ok(before.body.history.length >= 1, 'the hardware probe so far, for the charts')
    assert.ok(before.body.history[0]!.cpuLoadPercent >= 0)

    const change = {
      paused: true,
      priceFloorPerUnit: '2000',
      allowedHours: ['22:00-07:00'],
      markupPercent: 10
    }
    const put = await call('PUT', '/worker/settings', change)
    assert.equal(put.status, 200)
    assert.deepEqual(put.body.settings, change)
    const after = await call('GET', '/worker')
    assert.deepEqual(after.body.settings, change)
    assert.equal(after.body.capacity.priceFloorPerUnit, '2000', 'the price advertised from now on')
    const saved = await loadConfig(node.dataDir)
    assert.equal(saved.worker.paused, true)
    assert.equal(saved.worker.priceFloorPerUnit, '2000')
    assert.deepEqual(saved.worker.allowedHours, ['22:00-07:00'])

    const bad = await call('PUT', '/worker/settings', { paused: 'yes', allowedHours: ['night'], slots: 9 })
    assert.equal(bad.status, 400)
    assert.deepEqual(Object.keys(bad.body.error.fields).sort(), ['allowedHours', 'paused', 'slots'])
    assert.deepEqual(
      (await call('GET', '/worker')).body.settings,
      change,
      'nothing of a bad change is applied'
    )
    assert.equal((await loadConfig(node.dataDir)).worker.markupPercent, 10)

    const resumed = await call('PUT', '/worker/settings', { paused: false })
    assert.equal(resumed.body.settings.paused, false)
  })
})
