import { mkdir, stat, writeFile } from 'node:fs/promises'
import { basename, join, resolve } from 'node:path'
import { RynusError } from '../../protocols/common/errors.js'
import { apiDownload, apiRequest } from './api-client.js'
import { dataDirFrom, type Flags, UsageError } from './args.js'
import { EXIT } from './exit-codes.js'
import { type JobView, need, paymentFlags, str, uploadAsset } from './job-view.js'
import type { Output } from './output.js'
import { getTrain, submitTrain, trainText } from './train-commands.js'
import { formatTokens, oneOf, parseFrames, parseResolution } from './units.js'

export { workersCommand } from './workers-command.js'

async function submitRender(dataDir: string, file: string, flags: Flags, out: Output): Promise<number> {
  const path = resolve(file)
  const info = await stat(path).catch(() => undefined)
  if (info === undefined || !info.isFile())
    throw new UsageError(`${file} is not a file; give the path of a .blend`)
  const maxPrice = str(flags['max-price'])
  if (maxPrice === undefined)
    throw new UsageError('--max-price is required: the most you pay per frame, in tokens (e.g. 0.01)')
  const submission = {
    frames: parseFrames(str(flags.frames) ?? '1'),
    samples: flags.samples !== undefined ? Number(flags.samples) : undefined,
    resolution: flags.resolution !== undefined ? parseResolution(String(flags.resolution)) : undefined,
    engine:
      flags.engine !== undefined
        ? oneOf(String(flags.engine), '--engine', { cycles: 'CYCLES', eevee: 'BLENDER_EEVEE' } as const)
        : undefined,
    device:
      flags.device !== undefined
        ? oneOf(String(flags.device), '--device', {
            cpu: 'CPU',
            cuda: 'CUDA',
            optix: 'OPTIX',
            hip: 'HIP'
          } as const)
        : undefined,
    format:
      flags.format !== undefined
        ? oneOf(String(flags.format), '--format', {
            png: 'PNG',
            jpeg: 'JPEG',
            jpg: 'JPEG',
            exr: 'OPEN_EXR'
          } as const)
        : undefined,
    ...paymentFlags(flags, maxPrice)
  }
  const asset = await uploadAsset(dataDir, path, info.size)
  const input = { input: { cid: asset.cid, name: asset.name, size: asset.size }, ...submission }
  if (flags['dry-run'] === true) {
    const est = await apiRequest<{ canMatch: boolean; reasons: string[]; maxCost: string; frames: number }>(
      dataDir,
      'POST',
      '/jobs/render/estimate',
      { json: input }
    )
    out.result(
      est,
      [
        `${est.frames} frames, at most ${formatTokens(est.maxCost)} tokens`,
        est.canMatch ? 'workers online can take it' : 'no worker online can take it now:',
        ...est.reasons.map((r) => `  - ${r}`)
      ].join('\n')
    )
    return est.canMatch ? EXIT.OK : EXIT.FAILURE
  }
  const { jobId } = await apiRequest<{ jobId: string }>(dataDir, 'POST', '/jobs/render', { json: input })
  out.result(
    { jobId, input: asset },
    `submitted job ${jobId}\nwatch it with: rynus-node job status ${jobId} --watch`
  )
  return EXIT.OK
}

function statusText(view: JobView): string {
  const lines = [
    `job ${view.job.id}`,
    `  state:  ${view.job.state.name}${view.job.state.reason !== undefined ? ` (${view.job.state.reason})` : ''}`,
    `  ${view.train !== undefined ? 'epochs' : 'frames'}: ${view.unitsDone}/${view.unitsTotal} done`
  ]
  for (const t of view.tasks) {
    const p = t.progress !== undefined ? ` ${t.progress.unitsDone}/${t.progress.unitsTotal}` : ''
    lines.push(
      `  task ${t.taskId}: frames ${t.units[0]}-${t.units[t.units.length - 1]} ${t.state.name}${p}${t.state.worker !== undefined ? ` on ${t.state.worker}` : ''}`
    )
  }
  if (view.train !== undefined) lines.push(...trainText(view.train))
  for (const r of view.job.noMatch?.reasons ?? []) lines.push(`  why no bids: ${r}`)
  for (const h of view.history.slice(-5)) lines.push(`  ${new Date(h.at).toISOString()} ${h.message}`)
  return lines.join('\n')
}

const FINISHED = ['completed', 'failed', 'cancelled']

async function status(dataDir: string, jobId: string, flags: Flags, out: Output): Promise<number> {
  for (;;) {
    const view = await apiRequest<JobView>(dataDir, 'GET', `/jobs/${encodeURIComponent(jobId)}`)
    if (flags.watch !== true || FINISHED.includes(view.job.state.name)) {
      out.result(view, statusText(view))
      return view.job.state.name === 'failed' ? EXIT.FAILURE : EXIT.OK
    }
    if (!out.json) process.stdout.write(`\x1b[2J\x1b[H${statusText(view)}\n`)
    await new Promise((r) => setTimeout(r, 1000))
  }
}

async function get(dataDir: string, jobId: string, flags: Flags, out: Output): Promise<number> {
  const dir = resolve(str(flags.output) ?? `rynus-${jobId.slice(-12)}`)
  const view = await apiRequest<JobView>(dataDir, 'GET', `/jobs/${encodeURIComponent(jobId)}`)
  if (view.train !== undefined) return getTrain(dataDir, view, dir, out)
  const frames = Object.keys(view.outputs)
    .map(Number)
    .sort((a, b) => a - b)
  if (frames.length === 0)
    throw new RynusError(`job ${jobId} has no finished frames yet (${view.job.state.name})`, 'ERR_NO_OUTPUTS')
  await mkdir(dir, { recursive: true })
  const written: string[] = []
  for (const frame of frames) {
    const res = await apiDownload(dataDir, `/jobs/${encodeURIComponent(jobId)}/frames/${frame}`)
    const name =
      /filename="([^"]+)"/.exec(res.headers.get('content-disposition') ?? '')?.[1] ?? `frame_${frame}`
    await writeFile(join(dir, basename(name)), Buffer.from(await res.arrayBuffer()))
    written.push(join(dir, basename(name)))
  }
  out.result({ dir, files: written }, `wrote ${written.length} frames to ${dir}`)
  return EXIT.OK
}

/** `rynus-node job submit|ls|status|get|cancel`. */
export async function jobCommand(flags: Flags, out: Output, positionals: string[]): Promise<number> {
  const dataDir = dataDirFrom(flags)
  const sub = need(positionals, 0, 'a job command (submit, ls, status, get, cancel)')
  switch (sub) {
    case 'submit': {
      const kind = need(positionals, 1, 'the job kind (render or train)')
      if (kind === 'train') return submitTrain(dataDir, flags, out)
      if (kind !== 'render') throw new UsageError(`unknown job kind "${kind}"; use render or train`)
      return submitRender(dataDir, need(positionals, 2, 'the .blend file'), flags, out)
    }
    case 'ls': {
      const { jobs } = await apiRequest<{
        jobs: Array<{
          id: string
          kind: string
          state: string
          unitsDone: number
          unitsTotal: number
          createdAt: number
        }>
      }>(dataDir, 'GET', '/jobs')
      out.result(
        { jobs },
        jobs.length === 0
          ? 'no jobs yet; submit one with `rynus-node job submit render scene.blend --frames 1-24 --max-price 0.01`'
          : jobs
              .map(
                (j) =>
                  `${j.id}  ${j.kind.padEnd(6)} ${j.state.padEnd(9)} ${j.unitsDone}/${j.unitsTotal}  ${new Date(j.createdAt).toISOString()}`
              )
              .join('\n')
      )
      return EXIT.OK
    }
    case 'status':
      return status(dataDir, need(positionals, 1, 'the job id'), flags, out)
    case 'get':
      return get(dataDir, need(positionals, 1, 'the job id'), flags, out)
    case 'cancel': {
      const jobId = need(positionals, 1, 'the job id')
      const view = await apiRequest<JobView>(dataDir, 'POST', `/jobs/${encodeURIComponent(jobId)}/cancel`)
      out.result(view, `job ${jobId} is ${view.job.state.name}`)
      return EXIT.OK
    }
    default:
      throw new UsageError(`unknown job command "${sub}"; use submit, ls, status, get or cancel`)
  }
}
