import { createReadStream } from 'node:fs'
import { mkdir, readFile, stat, writeFile } from 'node:fs/promises'
import { basename, dirname, join, resolve } from 'node:path'
import { RynusError } from '../../protocols/common/errors.js'
import { apiDownload, apiRequest } from './api-client.js'
import { dataDirFrom, type Flags, UsageError } from './args.js'
import { EXIT } from './exit-codes.js'
import type { Output } from './output.js'
import { formatTokens, oneOf, parseDuration, parseFrames, parseResolution, parseTokens } from './units.js'

interface JobView {
  job: {
    id: string
    state: { name: string; reason?: string }
    spec: { render?: { frames: unknown }; maxPricePerUnit: string; budget: string }
    noMatch?: { reasons: string[] }
  }
  tasks: Array<{
    taskId: string
    units: number[]
    state: { name: string; worker?: string }
    progress?: { unitsDone: number; unitsTotal: number }
  }>
  outputs: Record<string, { cid: string; bytes: number }>
  unitsDone: number
  unitsTotal: number
  history: Array<{ at: number; type: string; message: string }>
  train?: {
    epochs: Array<{
      epoch: number
      loss: number | null
      acc: number | null
      valLoss: number | null
      valAcc: number | null
    }>
    verifications: Array<{ accepted: boolean; reason: string }>
    files: string[]
  }
}

const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined)

function need(positionals: string[], index: number, what: string): string {
  const v = positionals[index]
  if (v === undefined) throw new UsageError(`missing ${what}; see \`rynus-node job --help\``)
  return v
}

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
    maxPricePerUnit: parseTokens(maxPrice, '--max-price'),
    budget: flags.budget !== undefined ? parseTokens(String(flags.budget), '--budget') : undefined,
    deadlineInMs:
      flags.deadline !== undefined ? parseDuration(String(flags.deadline), '--deadline') : undefined
  }
  const asset = await apiRequest<{ cid: string; size: number; name: string }>(
    dataDir,
    'POST',
    `/assets?name=${encodeURIComponent(basename(path))}`,
    { stream: createReadStream(path), length: info.size }
  )
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

const num = (flags: Flags, name: string): number | undefined =>
  flags[name] !== undefined ? Number(flags[name]) : undefined

/** The model of `job submit train`: a template (`--template mlp --hidden 64,32`) or a tfjs model.json (`--model`). */
async function trainModel(flags: Flags): Promise<Record<string, unknown>> {
  const file = str(flags.model)
  if (file !== undefined) {
    const json = JSON.parse(await readFile(resolve(file), 'utf8')) as Record<string, unknown>
    return { kind: 'layers', topology: (json.modelTopology as Record<string, unknown> | undefined) ?? json }
  }
  const hidden = str(flags.hidden)
  return {
    kind: 'template',
    name: oneOf(str(flags.template) ?? 'mlp', '--template', {
      mlp: 'mlp',
      'cnn-small': 'cnn-small',
      'lstm-small': 'lstm-small'
    } as const),
    ...(hidden !== undefined && { hidden: hidden.split(',').map(Number) })
  }
}

async function submitTrain(dataDir: string, flags: Flags, out: Output): Promise<number> {
  const data = str(flags.data)
  const label = str(flags.label)
  const maxPrice = str(flags['max-price'])
  if (data === undefined || label === undefined || maxPrice === undefined) {
    throw new UsageError('give --data <file.csv>, --label <column> and --max-price <tokens per epoch>')
  }
  const path = resolve(data)
  const info = await stat(path).catch(() => undefined)
  if (info === undefined || !info.isFile())
    throw new UsageError(`${data} is not a file; give the path of a CSV`)
  const split = num(flags, 'validation-split')
  const submission = {
    labelColumn: label,
    model: await trainModel(flags),
    epochs: num(flags, 'epochs') ?? 10,
    batchSize: num(flags, 'batch-size'),
    learningRate: num(flags, 'learning-rate'),
    optimizer: str(flags.optimizer),
    ...(split !== undefined && { preprocessing: { validationSplit: split } }),
    ...(flags['held-out'] !== undefined && { heldOut: { fraction: Number(flags['held-out']) } }),
    maxPricePerUnit: parseTokens(maxPrice, '--max-price'),
    budget: flags.budget !== undefined ? parseTokens(String(flags.budget), '--budget') : undefined,
    deadlineInMs:
      flags.deadline !== undefined ? parseDuration(String(flags.deadline), '--deadline') : undefined
  }
  const asset = await apiRequest<{ cid: string; size: number; name: string }>(
    dataDir,
    'POST',
    `/assets?name=${encodeURIComponent(basename(path))}`,
    { stream: createReadStream(path), length: info.size }
  )
  const input = { ...submission, dataset: { cid: asset.cid, name: asset.name } }
  if (flags['dry-run'] === true) {
    const est = await apiRequest<{ canMatch: boolean; reasons: string[]; maxCost: string; epochs: number }>(
      dataDir,
      'POST',
      '/jobs/train/estimate',
      { json: input }
    )
    const lines = [`${est.epochs} epochs, at most ${formatTokens(est.maxCost)} tokens`]
    lines.push(est.canMatch ? 'workers online can take it' : 'no worker online can take it now:')
    out.result(est, [...lines, ...est.reasons.map((r) => `  - ${r}`)].join('\n'))
    return est.canMatch ? EXIT.OK : EXIT.FAILURE
  }
  const { jobId } = await apiRequest<{ jobId: string }>(dataDir, 'POST', '/jobs/train', { json: input })
  out.result(
    { jobId, dataset: asset },
    `submitted job ${jobId}\nwatch it with: rynus-node job status ${jobId} --watch`
  )
  return EXIT.OK
}

const fixed = (v: number | null): string => (v === null ? '-' : v.toFixed(4))

/** The last epochs of a training job and its verification, for `job status`. */
function trainText(train: NonNullable<JobView['train']>): string[] {
  const lines = train.epochs
    .slice(-5)
    .map(
      (e) =>
        `  epoch ${e.epoch}: loss ${fixed(e.loss)} acc ${fixed(e.acc)} val_loss ${fixed(e.valLoss)} val_acc ${fixed(e.valAcc)}`
    )
  for (const v of train.verifications.slice(-2))
    lines.push(`  verification: ${v.accepted ? 'accepted' : 'rejected'}, ${v.reason}`)
  return lines
}

/** Writes an accepted training job's model/ and metrics.json into `dir`. */
async function getTrain(dataDir: string, view: JobView, dir: string, out: Output): Promise<number> {
  const files = view.train?.files ?? []
  if (files.length === 0) {
    throw new RynusError(
      `job ${view.job.id} has no accepted model yet (${view.job.state.name})`,
      'ERR_NO_OUTPUTS'
    )
  }
  const written: string[] = []
  for (const name of files) {
    const res = await apiDownload(dataDir, `/jobs/${encodeURIComponent(view.job.id)}/train/${basename(name)}`)
    const target = join(dir, ...name.split('/'))
    await mkdir(dirname(target), { recursive: true })
    await writeFile(target, Buffer.from(await res.arrayBuffer()))
    written.push(target)
  }
  out.result(
    { dir, files: written },
    `wrote the model and metrics to ${dir}\nload it with tf.loadLayersModel('file://${join(dir, 'model', 'model.json')}')`
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

/** `rynus-node workers ls [--render] [--min-vram 24]`. */
export async function workersCommand(flags: Flags, out: Output, positionals: string[]): Promise<number> {
  const dataDir = dataDirFrom(flags)
  if ((positionals[0] ?? 'ls') !== 'ls') throw new UsageError('use `rynus-node workers ls`')
  const { workers } = await apiRequest<{
    workers: Array<{
      peerId: string
      capabilities: string[]
      gpus: Array<{ model: string; vramBytes: number }>
      priceFloorPerUnit: string
      freeSlots: number
      tier: string
      latencyMs?: number
    }>
  }>(dataDir, 'GET', '/workers?fresh=1')
  const minVram = flags['min-vram'] !== undefined ? Number(flags['min-vram']) * 1e9 : 0
  const shown = workers.filter(
    (w) =>
      (flags.render !== true || w.capabilities.includes('render')) &&
      (minVram === 0 || w.gpus.some((g) => g.vramBytes >= minVram))
  )
  out.result(
    { workers: shown },
    shown.length === 0
      ? 'no matching workers found in the DHT'
      : shown
          .map((w) => {
            const gpu =
              w.gpus.length > 0
                ? w.gpus.map((g) => `${g.model} ${(g.vramBytes / 1e9).toFixed(0)} GB`).join(', ')
                : 'CPU only'
            return `${w.peerId}  ${gpu}  floor ${formatTokens(w.priceFloorPerUnit)}/unit  ${w.tier}  slots ${w.freeSlots}${w.latencyMs !== undefined ? `  ${w.latencyMs} ms` : ''}`
          })
          .join('\n')
  )
  return EXIT.OK
}
