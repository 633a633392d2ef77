import assert from 'node:assert/strict'
import { readdir, readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { after, describe, it } from 'node:test'
import { fileURLToPath } from 'node:url'
import { imageSize } from '../../node/requester/image-size.js'
import type { RenderSubmission } from '../../node/requester/submission.js'
import type { RynusNode } from '../../node/rynus-node.js'
import { importBytes, importFile } from '../../storage/files/index.js'
import { dialAddress, removeTempDirs, startTestNode, tempDataDir, waitFor } from './harness.js'

const SCENE = fileURLToPath(new URL('../../../simulations/assets/sample-scene.blend', import.meta.url))
const ONE_TOKEN = 10n ** 18n

async function renderJob(
  requester: RynusNode,
  frames: { start: number; end: number }
): Promise<RenderSubmission> {
  const { cid, size } = await importFile(requester.helia, SCENE)
  return {
    input: { cid, name: 'sample-scene.blend', size },
    frames,
    engine: 'CYCLES',
    device: 'CPU',
    samples: 4,
    resolution: { x: 64, y: 36 },
    format: 'PNG',
    maxPricePerUnit: ONE_TOKEN.toString()
  }
}

async function waitForState(
  node: RynusNode,
  jobId: string,
  states: string[],
  timeoutMs: number
): Promise<string> {
  let state = ''
  await waitFor(
    async () => {
      state = (await node.requester!.get(jobId))?.job.state.name ?? ''
      return states.includes(state)
    },
    timeoutMs,
    250
  )
  return state
}

/** Every frame file is a PNG of the asked size, and its CID is the one the job reports. */
async function checkFrames(requester: RynusNode, jobId: string, frames: number[]): Promise<void> {
  const view = await requester.requester!.get(jobId)
  assert.ok(view !== undefined)
  const dir = requester.requester!.resultsDir(jobId)
  const files = (await readdir(dir)).filter((f) => f.endsWith('.png')).sort()
  assert.deepEqual(
    files,
    frames.map((f) => `frame_${String(f).padStart(4, '0')}.png`)
  )
  for (const frame of frames) {
    const bytes = await readFile(join(dir, `frame_${String(frame).padStart(4, '0')}.png`))
    assert.deepEqual(imageSize(bytes), { width: 64, height: 36 }, `frame ${frame} is 64x36`)
    const { cid } = await importBytes(requester.helia, bytes)
    assert.equal(cid, view.outputs[String(frame)]?.cid, `frame ${frame}'s CID matches the file`)
  }
}

describe('render jobs on a four-node network', { timeout: 600_000 }, () => {
  const nodes: RynusNode[] = []
  after(async () => {
    await Promise.allSettled(nodes.map((n) => n.stop()))
    await removeTempDirs()
  })

  async function network(
    workerCount: number,
    heartbeatTimeoutMs = 30_000
  ): Promise<{ superPeer: RynusNode; workers: RynusNode[]; requester: RynusNode; requesterDir: string }> {
    const superPeer = await startTestNode({ roles: ['super-peer'] })
    nodes.push(superPeer)
    const bootstrap = [dialAddress(superPeer)]
    const workers: RynusNode[] = []
    for (let i = 0; i < workerCount; i++) {
      const w = await startTestNode({ roles: ['worker'], bootstrap })
      nodes.push(w)
      workers.push(w)
    }
    const requesterDir = await tempDataDir()
    const requester = await startTestNode({
      roles: ['requester'],
      bootstrap,
      dataDir: requesterDir,
      heartbeatTimeoutMs
    })
    nodes.push(requester)
    const found = await waitFor(
      async () => (await requester.requester!.workers.entries(true)).length === workerCount,
      30_000,
      500
    )
    assert.ok(found, `the requester finds all ${workerCount} workers in the DHT`)
    return { superPeer, workers, requester, requesterDir }
  }

  it('a 12-frame job split over two workers returns 12 PNGs of the requested size whose CIDs match', async () => {
    const { workers, requester } = await network(2)
    const jobId = await requester.requester!.submitRender(await renderJob(requester, { start: 1, end: 12 }))
    const state = await waitForState(requester, jobId, ['completed', 'failed'], 300_000)
    assert.equal(state, 'completed', JSON.stringify((await requester.requester!.history(jobId)).slice(-5)))
    await checkFrames(
      requester,
      jobId,
      Array.from({ length: 12 }, (_, i) => i + 1)
    )
    const view = (await requester.requester!.get(jobId))!
    const used = new Set(view.tasks.filter((t) => t.state.name === 'accepted').map((t) => t.state.worker))
    assert.deepEqual(
      [...used].sort(),
      workers.map((w) => w.peerId.toString()).sort(),
      'both workers rendered part of the job'
    )
  })
})
