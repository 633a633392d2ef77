import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, describe, it } from 'node:test'
import { fileURLToPath } from 'node:url'
import { DEVNET_NODES } from '../../node/devnet/plan.js'
import {
  checkAssetsFlow,
  checkPages,
  checkRenderFlow,
  checkTrainFlow,
  checkWalletAfterPayment,
  checkWorkerSettings
} from '../../webui/e2e/pages.js'
import { removeTempDirs, startTestNode, waitFor } from './harness.js'

const BIN = fileURLToPath(new URL('../../node/bin.js', import.meta.url))
/** Git-ignored; a person can look at what the UI showed. */
const SCENE = fileURLToPath(new URL('../../../simulations/assets/sample-scene.blend', import.meta.url))
const SCREENSHOTS = fileURLToPath(new URL('../../../screenshots/webui', import.meta.url))
const SPECIES = fileURLToPath(new URL('../../../simulations/assets/train/species.csv', import.meta.url))

interface DevnetSummary {
  connectedSeconds: number
  ui: string
  nodes: Array<{ name: string; roles: string[]; peerId: string; api: string }>
}

/** Runs `rynus-node devnet --json` until it reports up, checks `check`, then Ctrl-C (SIGINT). */
async function runDevnet(
  baseDir: string,
  check: (s: DevnetSummary) => Promise<void>
): Promise<{ code: number | null; summary: DevnetSummary; stderr: string }> {
  const child = spawn(process.execPath, [BIN, 'devnet', '--data-dir', baseDir, '--json'], {
    env: { ...process.env, RYNUS_LOG_LEVEL: 'warn' }
  })
  let stdout = ''
  let stderr = ''
  child.stdout.on('data', (d: Buffer) => {
    stdout += d.toString()
  })
  child.stderr.on('data', (d: Buffer) => {
    stderr += d.toString()
  })
  const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)))
  const end = Date.now() + 90_000
  while (!stdout.trim().endsWith('}') && Date.now() < end && child.exitCode === null) {
    await new Promise((r) => setTimeout(r, 100))
  }
  let summary: DevnetSummary
  try {
    assert.ok(stdout.trim().endsWith('}'), `devnet came up; stderr: ${stderr}`)
    summary = JSON.parse(stdout) as DevnetSummary
    await check(summary)
  } finally {
    child.kill('SIGINT')
  }
  const code = await exited
  return { code, summary: summary!, stderr }
}

describe('rynus-node devnet', () => {
  const dirs: string[] = []
  after(async () => {
    await removeTempDirs()
    await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })))
  })

  it('starts a super-peer, two workers and a requester that all connect, serves the web UI, and stops on Ctrl-C', async () => {
    const baseDir = await mkdtemp(join(tmpdir(), 'rynus-devnet-'))
    dirs.push(baseDir)
    const first = await runDevnet(baseDir, async (s) => {
      assert.deepEqual(
        s.nodes.map((n) => n.name),
        ['super-peer', 'worker-1', 'worker-2', 'requester']
      )
      const url = new URL(s.ui)
      assert.equal(url.hostname, '127.0.0.1')
      const token = url.hash.replace('#token=', '')
      const res = await fetch(`${url.origin}/api/v1/peers`, { headers: { authorization: `Bearer ${token}` } })
      const { peers } = (await res.json()) as { peers: Array<{ peerId: string }> }
      for (const n of s.nodes.filter((x) => x.name !== 'requester')) {
        assert.ok(
          peers.some((p) => p.peerId === n.peerId),
          `requester is connected to ${n.name}`
        )
      }

      // the web UI a person opens: every page at desktop and phone size in the system's Chromium,
      // with a visitor node that leaves while the Explorer is open
      const requester = s.nodes.find((n) => n.name === 'requester')!
      const port = DEVNET_NODES.find((n) => n.name === 'requester')!.tcpPort
      const visitor = await startTestNode({
        bootstrap: [`/ip4/127.0.0.1/tcp/${port}/p2p/${requester.peerId}`]
      })
      assert.ok(await waitFor(() => visitor.libp2p.getConnections().length > 0), 'the visitor joined')
      try {
        await checkPages(s.ui, SCREENSHOTS, { disconnectPeer: () => visitor.stop() })
      } finally {
        await visitor.stop()
      }

      // a person renders the sample scene from the web UI: upload, estimate, submit, watch, download
      const render = await checkRenderFlow(s.ui, SCENE, SCREENSHOTS)
      console.log(`# web UI render: job ${render.jobId} completed ${render.secondsToComplete} s after Submit`)

      // a person trains a model from the web UI: upload a CSV, estimate, submit, watch the charts, download
      const trained = await checkTrainFlow(s.ui, SPECIES, SCREENSHOTS)
      console.log(`# web UI training: job ${trained} completed and its model downloaded`)

      // assets: upload with progress, list, download, pin, delete
      await checkAssetsFlow(s.ui, SCREENSHOTS)

      // the requester's wallet shows the job's escrow and the workers paid, with transactions
      await checkWalletAfterPayment(s.ui, SCREENSHOTS)
      // an operator pauses and resumes worker-1 and changes its price on that node's own UI
      const worker = s.nodes.find((n) => n.name === 'worker-1')!
      const workerToken = (await readFile(join(baseDir, 'worker-1', 'api-token'), 'utf8')).trim()
      await checkWorkerSettings(`${worker.api}/#token=${workerToken}`, SCREENSHOTS)
    })
    assert.equal(first.code, 0, `Ctrl-C stops the devnet cleanly (exit 0); stderr: ${first.stderr}`)
    console.log(`# devnet: all nodes connected ${first.summary.connectedSeconds} s after start`)

    const second = await runDevnet(baseDir, async () => {})
    assert.equal(second.code, 0)
    assert.deepEqual(
      second.summary.nodes.map((n) => n.peerId),
      first.summary.nodes.map((n) => n.peerId),
      'a second run reuses the same identities'
    )
  })
})
