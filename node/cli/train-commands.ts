import { mkdir, readFile, stat, writeFile } from 'node:fs/promises'
import { basename, dirname, join, resolve } from 'node:path'
import { RynusError } from '../../protocols/common/errors.js'
import { apiDownload, apiRequest } from './api-client.js'
import { type Flags, UsageError } from './args.js'
import { uploadPath } from './assets-command.js'
import { EXIT } from './exit-codes.js'
import { type JobView, paymentFlags, str, uploadAsset } from './job-view.js'
import type { Output } from './output.js'
import { formatTokens, oneOf } from './units.js'

const num = (flags: Flags, name: string): number | undefined =>
  flags[name] !== undefined ? Number(flags[name]) : undefined

const list = (text: string | undefined): number[] | undefined => text?.split(',').map(Number)

/** The model of `job submit train`: a template (`--template mlp --hidden 64,32`) or a tfjs model.json (`--model`). */
async function trainModel(flags: Flags, images: boolean): Promise<Record<string, unknown>> {
  const file = str(flags.model)
  if (file !== undefined) {
    const json = JSON.parse(await readFile(resolve(file), 'utf8')) as Record<string, unknown>
    return { kind: 'layers', topology: (json.modelTopology as Record<string, unknown> | undefined) ?? json }
  }
  const hidden = list(str(flags.hidden))
  const filters = list(str(flags.filters))
  return {
    kind: 'template',
    name: oneOf(str(flags.template) ?? (images ? 'cnn-small' : 'mlp'), '--template', {
      mlp: 'mlp',
      cnn: 'cnn-small',
      'cnn-small': 'cnn-small',
      'lstm-small': 'lstm-small'
    } as const),
    ...(hidden !== undefined && { hidden }),
    ...(filters !== undefined && { filters })
  }
}

/** `--image-shape 28x28x1` (height x width x channels; `28x28` means one gray channel). */
function imageShape(flags: Flags): number[] | undefined {
  const text = str(flags['image-shape'])
  if (text === undefined) return undefined
  const m = /^(\d+)x(\d+)(?:x([13]))?$/.exec(text)
  if (m === null)
    throw new UsageError(`--image-shape takes HEIGHTxWIDTHxCHANNELS, e.g. 28x28x1 or 32x32x3, not ${text}`)
  return [Number(m[1]), Number(m[2]), Number(m[3] ?? 1)]
}

export async function submitTrain(dataDir: string, flags: Flags, out: Output): Promise<number> {
  const data = str(flags.data)
  const label = str(flags.label)
  const maxPrice = str(flags['max-price'])
  if (data === undefined || maxPrice === undefined) {
    throw new UsageError(
      'give --data <file.csv> --label <column>, or --data <image folder>, and --max-price <tokens per epoch>'
    )
  }
  const path = resolve(data)
  const info = await stat(path).catch(() => undefined)
  const images = info?.isDirectory() === true
  if (info === undefined || !(info.isFile() || images))
    throw new UsageError(
      `${data} is neither a file nor a folder; give the path of a CSV or of an image folder`
    )
  if (!images && label === undefined)
    throw new UsageError("give --label <column> naming the CSV's label column")
  if (images && label !== undefined)
    throw new UsageError('an image folder takes its labels from its class subfolders; leave out --label')
  const split = num(flags, 'validation-split')
  const shape = imageShape(flags)
  if (!images && shape !== undefined) throw new UsageError('--image-shape is for image folders only')
  const submission = {
    ...(label !== undefined && { labelColumn: label }),
    ...(shape !== undefined && { imageShape: shape }),
    model: await trainModel(flags, images),
    epochs: num(flags, 'epochs') ?? 10,
    batchSize: num(flags, 'batch-size'),
    learningRate: num(flags, 'learning-rate'),
    optimizer: str(flags.optimizer),
    ...(split !== undefined && { preprocessing: { validationSplit: split } }),
    ...(flags['held-out'] !== undefined && { heldOut: { fraction: Number(flags['held-out']) } }),
    ...paymentFlags(flags, maxPrice)
  }
  const asset = images
    ? await uploadPath(dataDir, path, { compress: 'none', label: `uploading ${basename(path)}` })
    : await uploadAsset(dataDir, path, info.size)
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
export function trainText(train: NonNullable<JobView['train']>): string[] {
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
export async function getTrain(dataDir: string, view: JobView, dir: string, out: Output): Promise<number> {
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
