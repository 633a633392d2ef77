import { createReadStream } from 'node:fs'
import { stat } from 'node:fs/promises'
import { basename, join } from 'node:path'
import { pipeline } from 'node:stream/promises'
import type { AssetStore } from '../../storage/assets/index.js'
import { frameFileName } from '../requester/outputs.js'
import type { RequesterService } from '../requester/requester-service.js'
import type { RenderSubmission } from '../requester/submission.js'
import type { TrainSubmission } from '../requester/train-submission.js'
import { TRAIN_RESULT_FILES } from '../requester/train-verify.js'
import { BadRequestError, NotFoundError } from './errors.js'
import type { ApiServer } from './server.js'

export interface JobRouteDeps {
  dataDir: string
  requester?: RequesterService
  /** The asset store, to refuse compressed assets as job inputs. */
  assets: () => AssetStore | undefined
}

/**
 * A job input that is a compressed asset of this node would reach workers as compressed
 * bytes: refused with ERR_COMPRESSED_INPUT, which says to add it with --compress none.
 */
async function checkInput(deps: JobRouteDeps, body: Record<string, unknown>): Promise<void> {
  const input = (body.input ?? body.dataset) as { cid?: unknown } | undefined
  if (typeof input?.cid === 'string') await deps.assets()?.checkJobInput(input.cid)
}

function requesterOf(deps: JobRouteDeps): RequesterService {
  if (deps.requester === undefined) {
    throw new BadRequestError(
      'this node does not have the requester role; start it with --roles requester (or worker,requester)'
    )
  }
  return deps.requester
}

function asObject(body: unknown): Record<string, unknown> {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new BadRequestError('the request body must be a JSON object')
  }
  return body as Record<string, unknown>
}

/** A training submission from the API: the dataset must be an uploaded asset (a CID), not a path on this node. */
function trainSubmission(body: unknown): TrainSubmission {
  const s = asObject(body)
  const dataset = s.dataset as Record<string, unknown> | undefined
  if (
    typeof dataset !== 'object' ||
    dataset === null ||
    typeof dataset.cid !== 'string' ||
    'path' in dataset
  ) {
    throw new BadRequestError(
      'upload the CSV (or the image folder, as a tar with ?folder=true) with POST /api/v1/assets and give its { cid, name } as dataset',
      {
        dataset: 'required: { cid, name }'
      }
    )
  }
  return s as unknown as TrainSubmission
}

/**
 * Render and training jobs (submit, estimate, list, status, cancel, frames, models) and the
 * workers this node can see. Assets have their own routes (asset-routes.ts).
 */
export function registerJobRoutes(api: ApiServer, deps: JobRouteDeps): void {
  api.route('POST', '/jobs/render', async (req) => {
    const r = requesterOf(deps)
    const body = asObject(await req.json())
    await checkInput(deps, body)
    const jobId = await r.submitRender(body as unknown as RenderSubmission)
    return { jobId }
  })

  api.route('POST', '/jobs/render/estimate', async (req) => {
    const r = requesterOf(deps)
    const body = asObject(await req.json())
    await checkInput(deps, body)
    const submission = body as unknown as RenderSubmission
    const { spec, canMatch, reasons, candidates } = await r.explain(submission)
    const frames = Array.isArray(spec.render?.frames)
      ? spec.render.frames.length
      : (spec.render?.frames.end ?? 0) - (spec.render?.frames.start ?? 0) + 1
    return {
      canMatch,
      reasons,
      candidates,
      frames,
      maxCost: (BigInt(spec.maxPricePerUnit) * BigInt(frames)).toString(),
      budget: spec.budget
    }
  })

  api.route('POST', '/jobs/train', async (req) => {
    const r = requesterOf(deps)
    const submission = trainSubmission(await req.json())
    await checkInput(deps, submission as unknown as Record<string, unknown>)
    const jobId = await r.submitTrain(submission)
    return { jobId }
  })

  api.route('POST', '/jobs/train/estimate', async (req) => {
    const r = requesterOf(deps)
    const submission = trainSubmission(await req.json())
    await checkInput(deps, submission as unknown as Record<string, unknown>)
    const { spec, canMatch, reasons, candidates } = await r.explainTrain(submission)
    const epochs = spec.train?.epochs ?? 0
    return {
      canMatch,
      reasons,
      candidates,
      epochs,
      maxCost: (BigInt(spec.maxPricePerUnit) * BigInt(epochs)).toString(),
      budget: spec.budget,
      rows: spec.train?.datasetInfo.rows
    }
  })

  /** The accepted model of a training job: model.json, weights.bin (both under model/) and metrics.json. */
  api.route('GET', '/jobs/:id/train/:file', async (req, res) => {
    const r = requesterOf(deps)
    const name = TRAIN_RESULT_FILES.find((f) => f.endsWith(`/${req.params.file}`) || f === req.params.file)
    const view = await r.trainView(req.params.id)
    if (name === undefined || view === undefined || !view.files.includes(name)) {
      throw new NotFoundError(`file ${req.params.file} of training job ${req.params.id}`)
    }
    const file = join(r.resultsDir(req.params.id), name)
    const info = await stat(file).catch(() => undefined)
    if (info === undefined) throw new NotFoundError(`file ${name}`)
    res.writeHead(200, {
      'content-type': name.endsWith('.json') ? 'application/json' : 'application/octet-stream',
      'content-length': info.size,
      'content-disposition': `attachment; filename="${basename(name)}"`
    })
    await pipeline(createReadStream(file), res)
    return undefined
  })

  api.route('GET', '/jobs', async () => ({ jobs: await requesterOf(deps).list() }))

  api.route('GET', '/jobs/:id', async (req) => {
    const r = requesterOf(deps)
    const view = await r.get(req.params.id)
    if (view === undefined) throw new NotFoundError(`job ${req.params.id}`)
    const train = await r.trainView(req.params.id)
    return { ...view, history: await r.history(req.params.id), ...(train !== undefined && { train }) }
  })

  api.route('POST', '/jobs/:id/cancel', async (req) => requesterOf(deps).cancel(req.params.id))

  api.route('GET', '/jobs/:id/frames/:frame', async (req, res) => {
    const r = requesterOf(deps)
    const view = await r.get(req.params.id)
    const frame = Number(req.params.frame)
    if (view === undefined || !Number.isInteger(frame) || view.outputs[String(frame)] === undefined) {
      throw new NotFoundError(`frame ${req.params.frame} of job ${req.params.id}`)
    }
    const name = frameFileName(view.job.spec, frame)
    const file = join(r.resultsDir(view.job.id), name)
    const info = await stat(file).catch(() => undefined)
    if (info === undefined) throw new NotFoundError(`frame file ${name}`)
    const type = name.endsWith('.png')
      ? 'image/png'
      : name.endsWith('.jpg')
        ? 'image/jpeg'
        : 'application/octet-stream'
    res.writeHead(200, {
      'content-type': type,
      'content-length': info.size,
      'content-disposition': `inline; filename="${name}"`
    })
    await pipeline(createReadStream(file), res)
    return undefined
  })

  api.route('GET', '/workers', async (req) => {
    const entries = await requesterOf(deps).workers.entries(req.url.searchParams.get('fresh') === '1')
    return {
      workers: entries.map((e) => ({
        peerId: e.peerId,
        ...e.record,
        priceFloorPerUnit: e.record.priceFloorPerUnit.toString(),
        latencyMs: e.latencyMs,
        expiresAt: e.expiresAt
      }))
    }
  })
}
