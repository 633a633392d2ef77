import assert from 'node:assert/strict'
import { type ChildProcess, spawn } from 'node:child_process'
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
const BIN = fileURLToPath(new URL('../../node/bin.js', import.meta.url))

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
    const history = await requester.requester!.history(jobId)
    const at = (type: string): number => history.find((h) => h.type === type)!.at
    console.log(`# no chain: ${at('offered') - at('submitted')} ms from submit to offer`)
    const view = (await requester.requester!.get(jobId))!
    const used = new Set(view.tasks.filter((t) => t.state.name === 'accepted').map((t) => t.state.worker))
    assert.deepEqual(
      [...used].sort(),
      workers.map((w) => w.peerId.toString()).sort(),
      'both workers rendered part of the job'
    )
  })

  it('a worker killed mid-job: its frames are rendered elsewhere and it is not chosen again', async () => {
    const superPeer = await startTestNode({ roles: ['super-peer'] })
    nodes.push(superPeer)
    const bootstrap = [dialAddress(superPeer)]
    const steady = await startTestNode({ roles: ['worker'], bootstrap })
    nodes.push(steady)
    const doomed = await startWorkerProcess(bootstrap[0])
    const requester = await startTestNode({ roles: ['requester'], bootstrap, heartbeatTimeoutMs: 4_000 })
    nodes.push(requester)
    assert.ok(
      await waitFor(async () => (await requester.requester!.workers.entries(true)).length === 2, 30_000, 500),
      'both workers found'
    )
    const jobId = await requester.requester!.submitRender(await renderJob(requester, { start: 1, end: 8 }))

    // kill the separate worker process (SIGKILL: no goodbye) once it is rendering
    let killed = false
    requester.requester!.jobs.events.on('job', (event) => {
      if (!killed && event.type === 'progress' && event.worker === doomed.peerId) {
        killed = true
        doomed.child.kill('SIGKILL')
      }
    })
    const state = await waitForState(requester, jobId, ['completed', 'failed'], 300_000)
    assert.ok(killed, 'the worker was killed while rendering')
    assert.equal(state, 'completed', JSON.stringify((await requester.requester!.history(jobId)).slice(-6)))
    await checkFrames(requester, jobId, [1, 2, 3, 4, 5, 6, 7, 8])
    const view = (await requester.requester!.get(jobId))!
    assert.ok(
      view.job.failedWorkers.includes(doomed.peerId),
      'the killed worker is marked as failed for the job'
    )
    for (const task of view.tasks) {
      assert.equal(task.state.name, 'accepted')
      assert.equal(task.state.worker, steady.peerId.toString(), 'every accepted task went to the live worker')
    }
  })

  it('a requester restarted mid-job finishes the job after the restart', async () => {
    const { requester, requesterDir } = await network(2)
    const jobId = await requester.requester!.submitRender(await renderJob(requester, { start: 1, end: 10 }))
    let running = false
    requester.requester!.jobs.events.on('job', (event) => {
      if (event.type === 'progress') running = true
    })
    assert.ok(await waitFor(() => running, 120_000, 100), 'workers started rendering')
    await requester.stop()
    nodes.splice(nodes.indexOf(requester), 1)

    const bootstrap = [dialAddress(nodes[0])]
    const again = await startTestNode({ roles: ['requester'], bootstrap, dataDir: requesterDir })
    nodes.push(again)
    assert.equal(again.peerId.toString(), requester.peerId.toString())
    const state = await waitForState(again, jobId, ['completed', 'failed'], 300_000)
    assert.equal(state, 'completed', JSON.stringify((await again.requester!.history(jobId)).slice(-6)))
    await checkFrames(again, jobId, [1, 2, 3, 4, 5, 6, 7, 8, 9, 10])
  })
})

/** A worker in its own process, so the test can SIGKILL it like a machine losing power. */
async function startWorkerProcess(bootstrap: string): Promise<{ child: ChildProcess; peerId: string }> {
  const dataDir = await tempDataDir()
  const child = spawn(
    process.execPath,
    [
      BIN,
      'start',
      '--data-dir',
      dataDir,
      '--json',
      '--roles',
      'worker',
      '--bootstrap',
      bootstrap,
      '--listen',
      '/ip4/127.0.0.1/tcp/0',
      '--api-port',
      '0',
      '--dht-mode',
      'server',
      '--dht-private-addresses',
      'true'
    ],
    { env: { ...process.env, RYNUS_LOG_LEVEL: 'warn' } }
  )
  let out = ''
  child.stdout.on('data', (d: Buffer) => {
    out += d.toString()
  })
  assert.ok(await waitFor(() => out.trim().endsWith('}'), 30_000, 100), 'the worker process started')
  return { child, peerId: (JSON.parse(out) as { peerId: string }).peerId }
}
