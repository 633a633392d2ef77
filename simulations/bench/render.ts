/**
 * npm run bench:render — two figures for render jobs on a loopback network (super-peer, two
 * workers, requester; real libp2p, real Blender in the sandbox):
 *  1. dispatch latency: offer published → every task awarded and accepted by its worker,
 *     over many small jobs; the bid window closes as soon as every capable worker has bid;
 *  2. wall time of a 24-frame job through the network vs plain `blender -b scene -a` on the
 *     same machine with the same settings, measured in the same run (BENCH_RENDER_ROUNDS rounds
 *     alternate the two; medians are compared).
 */
import { spawn } from 'node:child_process'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { RynusNode } from '../../node/rynus-node.js'
import type { JobManagerEvent } from '../../scheduler/index.js'
import { importFile } from '../../storage/files/index.js'
import { dialAddress, removeTempDirs, startTestNode, waitFor } from '../e2e/harness.js'

const SCENE = fileURLToPath(new URL('../../../simulations/assets/sample-scene.blend', import.meta.url))
const JOBS = Number(process.env.BENCH_RENDER_JOBS ?? 50)
const FRAMES = 24
const ROUNDS = Number(process.env.BENCH_RENDER_ROUNDS ?? 3)

function percentile(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b)
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)]
}

async function untilFinished(requester: RynusNode, jobId: string): Promise<string> {
  let state = ''
  await waitFor(
    async () => {
      state = (await requester.requester!.get(jobId))?.job.state.name ?? ''
      return ['completed', 'failed', 'cancelled'].includes(state)
    },
    600_000,
    100
  )
  return state
}

async function plainBlender(): Promise<number> {
  const out = await mkdtemp(join(tmpdir(), 'rynus-bench-blender-'))
  const began = performance.now()
  await new Promise<void>((resolve, reject) => {
    const child = spawn(
      'blender',
      ['-b', '-Y', '--factory-startup', SCENE, '-o', join(out, 'frame_####'), '-a'],
      {
        stdio: 'ignore'
      }
    )
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`blender exited with ${code}`))))
  })
  const seconds = (performance.now() - began) / 1000
  await rm(out, { recursive: true, force: true })
  return seconds
}

async function main(): Promise<void> {
  const superPeer = await startTestNode({ roles: ['super-peer'] })
  const bootstrap = [dialAddress(superPeer)]
  const workers = [
    await startTestNode({ roles: ['worker'], bootstrap }),
    await startTestNode({ roles: ['worker'], bootstrap })
  ]
  const requester = await startTestNode({ roles: ['requester'], bootstrap })
  await waitFor(async () => (await requester.requester!.workers.entries(true)).length === 2, 30_000, 500)
  const { cid, size } = await importFile(requester.helia, SCENE)
  const input = { cid, name: 'sample-scene.blend', size }

  const events: JobManagerEvent[] = []
  requester.requester!.jobs.events.on('job', (e) => events.push(e))

  // 1. dispatch latency over many small two-task jobs
  const latencies: number[] = []
  const toBids: number[] = []
  for (let i = 0; i < JOBS; i++) {
    const jobId = await requester.requester!.submitRender({
      input,
      frames: { start: 1, end: 2 },
      samples: 1,
      resolution: { x: 16, y: 16 },
      maxPricePerUnit: (10n ** 18n).toString(),
      // a new spec each time (a resubmitted identical spec is the same job)
      deadlineInMs: 3_600_000 + i
    })
    const state = await untilFinished(requester, jobId)
    if (state !== 'completed') throw new Error(`job ${i} ended ${state}`)
    const mine = events.filter((e) => e.jobId === jobId)
    const offered = mine.find((e) => e.type === 'offered')!.at
    const awarded = mine.filter((e) => e.type === 'awarded').map((e) => e.at)
    latencies.push(Math.max(...awarded) - offered)
    toBids.push(Math.max(...mine.filter((e) => e.type === 'bid').map((e) => e.at)) - offered)
  }

  // 2. a 24-frame job at the scene's own settings vs plain Blender, on this one machine:
  // with both workers (two Blenders share the same cores) and with one worker (same hardware
  // as plain Blender, so the difference is what the network and the sandbox add)
  // rounds alternate plain Blender and the network job, so load from other programs hits both
  // alike; the medians are compared
  const median = (xs: number[]): number => percentile(xs, 50)
  const plain: number[] = []
  plain.push(await plainBlender())
  const fullJob = async (tag: number): Promise<{ seconds: number; state: string; phases: string }> => {
    const began = performance.now()
    const jobId = await requester.requester!.submitRender({
      input,
      frames: { start: 1, end: FRAMES },
      samples: 16,
      resolution: { x: 320, y: 180 },
      maxPricePerUnit: (10n ** 18n).toString(),
      deadlineInMs: 7_200_000 + tag
    })
    const state = await untilFinished(requester, jobId)
    const seconds = (performance.now() - began) / 1000
    const mine = events.filter((e) => e.jobId === jobId)
    const at = (type: JobManagerEvent['type'], last = false): number => {
      const found = mine.filter((e) => e.type === type)
      return (last ? found.at(-1) : found[0])?.at ?? Number.NaN
    }
    const phases = [
      `submit→offer ${at('offered') - at('submitted')}`,
      `offer→award ${at('awarded', true) - at('offered')}`,
      `award→delivered ${at('task-delivered', true) - at('awarded', true)}`,
      `delivered→accepted ${at('task-accepted', true) - at('task-delivered', true)}`
    ]
    return { seconds, state, phases: phases.join(', ') }
  }
  const two = await fullJob(1)
  await workers[1].stop()
  await requester.requester!.workers.entries(true)
  const ones: Array<Awaited<ReturnType<typeof fullJob>>> = []
  for (let round = 0; round < ROUNDS; round++) {
    ones.push(await fullJob(2 + round))
    plain.push(await plainBlender())
  }
  const one = [...ones].sort((a, b) => a.seconds - b.seconds)[Math.floor((ones.length - 1) / 2)]!
  const blenderSeconds = median(plain)
  await Promise.all([requester.stop(), workers[0].stop()])
  await superPeer.stop()
  await removeTempDirs()

  console.log(`bench:render — loopback network: 1 super-peer, 2 workers, 1 requester (${JOBS} dispatches)`)
  console.log(
    `  dispatch latency (offer → every task accepted), ms:  p50 ${percentile(latencies, 50)}  p99 ${percentile(latencies, 99)}  max ${Math.max(...latencies)}  (target p50 ≤ 100)`
  )
  console.log(
    `  of which offer → last bid, ms:  p50 ${percentile(toBids, 50)}  p99 ${percentile(toBids, 99)}`
  )
  console.log(
    `  same ${FRAMES} frames, plain blender -b -a (median of ${plain.length}): ${blenderSeconds.toFixed(1)} s  [${plain.map((x) => x.toFixed(1)).join(', ')}]`
  )
  console.log(
    `  through the network, one worker (${one.state}, median of ${ones.length}): ${one.seconds.toFixed(1)} s  [${ones.map((x) => x.seconds.toFixed(1)).join(', ')}]  ratio ${(one.seconds / blenderSeconds).toFixed(2)}  (target ≤ 1.2)`
  )
  console.log(`    phases, ms: ${one.phases}`)
  console.log(
    `  through the network, two workers on this machine (${two.state}): ${two.seconds.toFixed(1)} s  ratio ${(two.seconds / blenderSeconds).toFixed(2)}`
  )
  console.log(`    phases, ms: ${two.phases}`)
}

await main()
process.exit(0)
