import assert from 'node:assert/strict'
import { createHash, randomBytes } from 'node:crypto'
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { fileURLToPath } from 'node:url'
import { CID } from 'multiformats/cid'
import { loadOrCreateApiToken } from '../../node/data-dir.js'
import { imageSize } from '../../node/requester/image-size.js'
import type { RynusNode } from '../../node/rynus-node.js'
import type { RemotePinResult } from '../../node/sharing/index.js'
import { decodeCar } from '../../storage/car/index.js'
import { exportToFile, importBytes, importFile } from '../../storage/files/index.js'
import { dialAddress, removeTempDirs, startTestNode, tempDataDir, waitFor } from './harness.js'

const SCENE = fileURLToPath(new URL('../../../simulations/assets/sample-scene.blend', import.meta.url))
const MiB = 1024 * 1024

function matchesCid(cid: CID, bytes: Uint8Array): boolean {
  return Buffer.from(cid.multihash.digest).equals(createHash('sha256').update(bytes).digest())
}

describe('job data pinned on a super-peer outlives its requester and is served over HTTP', {
  timeout: 300_000
}, () => {
  const nodes: RynusNode[] = []
  let superPeer: RynusNode
  let gateway: string

  before(async () => {
    superPeer = await startTestNode({
      roles: ['super-peer'],
      configure: (cfg) => {
        cfg.gateway = { ...cfg.gateway, enabled: true, port: 0 }
        cfg.pinning.maxBytesPerPeer = 2 * MiB
      }
    })
    nodes.push(superPeer)
    gateway = superPeer.sharing!.gateway!.url()
  })
  after(async () => {
    await Promise.allSettled(nodes.map((n) => n.stop()))
    await removeTempDirs()
  })

  it('a render job: spec, scene and frames are pinned, then served by the gateway and to a new node after the requester and worker stop', async () => {
    const bootstrap = [dialAddress(superPeer)]
    const worker = await startTestNode({ roles: ['worker'], bootstrap })
    nodes.push(worker)
    const requester = await startTestNode({
      roles: ['requester'],
      bootstrap,
      configure: (cfg) => {
        cfg.storage.pinOnSuperPeers = true
      }
    })
    nodes.push(requester)
    assert.ok(
      await waitFor(async () => (await requester.requester!.workers.entries(true)).length === 1, 30_000, 500)
    )

    const input = await importFile(requester.helia, SCENE)
    const jobId = await requester.requester!.submitRender({
      input: { cid: input.cid, name: 'sample-scene.blend', size: input.size },
      frames: { start: 1, end: 2 },
      engine: 'CYCLES',
      device: 'CPU',
      samples: 4,
      resolution: { x: 64, y: 36 },
      format: 'PNG',
      maxPricePerUnit: (10n ** 18n).toString()
    })
    assert.ok(
      await waitFor(
        async () => (await requester.requester!.get(jobId))?.job.state.name === 'completed',
        240_000,
        250
      ),
      'the job completes'
    )
    const frames = Object.values((await requester.requester!.get(jobId))!.outputs).map((o) => o.cid)
    assert.equal(frames.length, 2)
    const kept = async (): Promise<string[]> =>
      (await superPeer.sharing!.pinService!.list()).map((p) => p.cid)
    assert.ok(
      await waitFor(async () => {
        const k = await kept()
        return [jobId, input.cid, ...frames].every((c) => k.includes(c))
      }, 30_000),
      `the super-peer keeps the spec, the scene and both frames (keeps ${await kept()})`
    )
    assert.ok(
      (await superPeer.sharing!.pinService!.list()).every((p) => p.peer === requester.peerId.toString())
    )

    await requester.stop()
    await worker.stop()

    // a browser or curl: the frame's bytes, with a type it can show
    const frame = await fetch(`${gateway}/ipfs/${frames[0]}`)
    assert.equal(frame.status, 200)
    assert.equal(frame.headers.get('content-type'), 'image/png')
    assert.deepEqual(imageSize(Buffer.from(await frame.arrayBuffer())), { width: 64, height: 36 })

    // a trustless client: the scene as a CAR, every block checked against its CID
    const car = await fetch(`${gateway}/ipfs/${input.cid}`, {
      headers: { accept: 'application/vnd.ipld.car' }
    })
    assert.equal(car.status, 200)
    const decoded = decodeCar(new Uint8Array(await car.arrayBuffer()))
    assert.equal(decoded.roots[0].toString(), input.cid)
    for (const b of decoded.blocks) assert.ok(matchesCid(b.cid, b.bytes), `block ${b.cid} matches its CID`)
    const scene = await readFile(SCENE)
    assert.ok(
      Buffer.concat(decoded.blocks.filter((b) => b.cid.code === 0x55).map((b) => b.bytes)).equals(scene)
    )

    // the job spec block, raw: hashes to the job id
    const spec = await fetch(`${gateway}/ipfs/${jobId}?format=raw`)
    assert.ok(matchesCid(CID.parse(jobId), new Uint8Array(await spec.arrayBuffer())))

    // a node that joins later fetches the frame over bitswap from the super-peer alone
    const visitor = await startTestNode({ roles: ['requester'], bootstrap })
    nodes.push(visitor)
    assert.ok(await waitFor(() => visitor.libp2p.getConnections(superPeer.peerId).length > 0))
    const dest = join(await tempDataDir(), 'frame.png')
    await exportToFile(visitor.helia, frames[1], dest, { timeoutMs: 30_000 })
    assert.deepEqual(imageSize(await readFile(dest)), { width: 64, height: 36 })
  })

  it('a node over its byte quota is refused with ERR_PIN_QUOTA_BYTES through its API', async () => {
    const node = await startTestNode({ roles: ['requester'], bootstrap: [dialAddress(superPeer)] })
    nodes.push(node)
    const { cid } = await importBytes(node.helia, randomBytes(3 * MiB))
    const { host, port } = node.api.address()
    const token = await loadOrCreateApiToken(node.dataDir)
    // asked again until identify has told the node which peer is a super-peer
    let results: RemotePinResult[] = []
    const asked = async (): Promise<boolean> => {
      results = await pinOn(`http://${host}:${port}`, token, cid)
      return results.length === 1
    }
    assert.ok(await waitFor(asked))
    const [result] = results
    assert.equal(result.accepted, false)
    assert.equal(result.code, 'ERR_PIN_QUOTA_BYTES')
    assert.match(result.reason, /past your quota of 2097152 bytes/)
    const missing = await fetch(`${gateway}/ipfs/${cid}`)
    assert.equal(missing.status, 404, 'a refused DAG is not served')
  })
})

async function pinOn(api: string, token: string, cid: string): Promise<RemotePinResult[]> {
  const res = await fetch(`${api}/api/v1/pins/remote`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ cid })
  })
  assert.equal(res.status, 200)
  return ((await res.json()) as { results: RemotePinResult[] }).results
}
