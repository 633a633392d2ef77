import assert from 'node:assert/strict'
import { mkdir, readFile, truncate, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import type { LayersModel } from '@tensorflow/tfjs'
import { selectBackend } from './backend.js'
import { holdOut, parseCsvDataset, type TabularDataset } from './dataset.js'
import { modelFolderSaver } from './model-files.js'
import { prepareTrainingData } from './preprocess.js'
import { type TrainParams, validateTrainParams } from './spec.js'
import { resolveModel } from './templates.js'
import { makeScratch, removeScratch, SPECIES_CSV, speciesParams } from './test-support.js'
import { buildModel, type DoneEvent, runTraining } from './train-loop.js'
import { type VerifyInput, verificationData, verifyModel } from './verify.js'
import { accuracyGapError, TOLERANCE } from './verify-metrics.js'

describe('verifyModel', () => {
  let scratch: string
  let params: TrainParams
  let kept: TabularDataset
  let data: ReturnType<typeof verificationData>
  let honest: { modelDir: string; done: DoneEvent }

  before(async () => {
    scratch = await makeScratch()
    params = validateTrainParams(speciesParams())
    const all = parseCsvDataset(await readFile(SPECIES_CSV, 'utf8'), 'species')
    const split = holdOut(all, 0.2, 5)
    kept = split.kept
    data = verificationData(kept, split.heldOut, params.preprocessing)
    // the honest worker trains on tfjs's plain JavaScript cpu backend; verification runs on wasm
    const { tf, info } = await selectBackend({ force: 'cpu' })
    const modelDir = join(scratch, 'honest')
    const done = await runTraining({
      tf,
      backend: info,
      params,
      data: prepareTrainingData(kept, params.preprocessing),
      checkpointsDir: join(scratch, 'ckpts'),
      modelDir,
      metricsPath: join(scratch, 'metrics.json')
    })
    honest = { modelDir, done }
  })
  after(async () => {
    await removeScratch(scratch)
  })

  const input = (overrides: Partial<VerifyInput> = {}): VerifyInput => ({
    modelDir: honest.modelDir,
    heldOut: data.heldOut,
    validation: data.validation,
    reportedMetrics: honest.done.final!,
    loss: 'categoricalCrossentropy',
    ...overrides
  })

  it('accepts an honest model trained on another backend', async () => {
    const verdict = await verifyModel(input())
    assert.ok(verdict.accepted, verdict.reason)
    assert.ok(verdict.heldOutAccuracy >= 0.9)
    assert.ok(Math.abs(verdict.validationLoss! - honest.done.final!.valLoss!) < 1e-3)
  })

  async function saveUntrained(name: string, seed?: number): Promise<string> {
    const { tf } = await selectBackend({ force: 'cpu' })
    let model: LayersModel
    if (seed === undefined) {
      model = (await buildModel(tf, params, prepareTrainingData(kept, params.preprocessing))).model
    } else {
      // the same architecture with seeded initial weights, so the test does not depend on a lucky draw
      const { topology } = resolveModel(params.model, 4, 3)
      const layers = (topology.config as { layers: { config: Record<string, unknown> }[] }).layers
      layers.forEach((layer, i) => {
        layer.config.kernel_initializer = { class_name: 'GlorotUniform', config: { seed: seed + i } }
      })
      model = await tf.models.modelFromJSON({ modelTopology: topology as never })
    }
    const modelDir = join(scratch, name)
    await mkdir(modelDir)
    await model.save(modelFolderSaver(modelDir))
    model.dispose()
    return modelDir
  }

  it('rejects an untrained model that claims the honest metrics', async () => {
    const verdict = await verifyModel(input({ modelDir: await saveUntrained('untrained') }))
    assert.equal(verdict.accepted, false)
    assert.match(verdict.reason, /no better than an untrained model|reported validation loss/)
  })

  it('rejects an untrained model that reports its own metrics truthfully', async () => {
    const modelDir = await saveUntrained('untrained-seeded', 1)
    const probe = await verifyModel(input({ modelDir, reportedMetrics: { valLoss: null, valAcc: null } }))
    const own = { valLoss: probe.validationLoss!, valAcc: probe.validationAccuracy! }
    const verdict = await verifyModel(input({ modelDir, reportedMetrics: own }))
    assert.equal(verdict.accepted, false)
    assert.match(verdict.reason, /no better than an untrained model/)
  })

  it('rejects an honest model whose reported metrics were inflated', async () => {
    const final = honest.done.final!
    const lower = await verifyModel(
      input({ reportedMetrics: { valLoss: final.valLoss! * 0.8, valAcc: final.valAcc } })
    )
    assert.equal(lower.accepted, false)
    assert.match(lower.reason, /reported validation loss/)
    // without the validation rows, only the held-out rows can tell: here a fifth of them carry
    // another label, so the model cannot score near its reported validation accuracy on them
    // (a fifth, not more: with a third flipped an honest model can fall to what an untrained one
    // scores by chance, and is rejected as untrained before the accuracy gap is looked at)
    const y = data.heldOut.y.map((label, i) => (i % 5 === 0 ? (label + 1) % 3 : label))
    const noisy = await verifyModel(input({ validation: undefined, heldOut: { ...data.heldOut, y } }))
    assert.equal(noisy.accepted, false)
    assert.match(noisy.reason, /reported validation accuracy 0\.\d+ but only 0\.\d+ on the held-out rows/)
  })

  it('rejects a delivered model with a Lambda layer or damaged weights without loading it', async () => {
    const modelJson = JSON.parse(await readFile(join(honest.modelDir, 'model.json'), 'utf8'))
    const lambdaDir = join(scratch, 'lambda')
    await mkdir(lambdaDir)
    modelJson.modelTopology.config.layers.push({ class_name: 'Lambda', config: {} })
    await writeFile(join(lambdaDir, 'model.json'), JSON.stringify(modelJson))
    await writeFile(join(lambdaDir, 'weights.bin'), await readFile(join(honest.modelDir, 'weights.bin')))
    const lambda = await verifyModel(input({ modelDir: lambdaDir }))
    assert.equal(lambda.accepted, false)
    assert.match(lambda.reason, /unsafe or malformed.*Lambda/)

    const shortDir = join(scratch, 'short')
    await mkdir(shortDir)
    await writeFile(join(shortDir, 'model.json'), await readFile(join(honest.modelDir, 'model.json')))
    await writeFile(join(shortDir, 'weights.bin'), await readFile(join(honest.modelDir, 'weights.bin')))
    await truncate(join(shortDir, 'weights.bin'), 100)
    const short = await verifyModel(input({ modelDir: shortDir }))
    assert.equal(short.accepted, false)
    assert.match(short.reason, /weight files hold 100 bytes but the manifest needs/)
  })
})

describe('accuracyGapError', () => {
  const allowed = (valAcc: number, valRows: number, heldAcc: number, heldRows: number): number =>
    TOLERANCE.heldOutSigmas * accuracyGapError(valAcc, valRows, heldAcc, heldRows) + TOLERANCE.heldOutSlack

  it('lets an honest model score a little lower on the held-out rows than on its validation rows', () => {
    // seen in a real run: 95 of 96 validation rows, 112 of 120 held-out rows
    assert.ok(0.9896 - 0.9333 <= allowed(0.9896, 96, 0.9333, 120))
  })

  it('does not let a model claim much more than the held-out rows show', () => {
    assert.ok(0.99 - 0.8 > allowed(0.99, 96, 0.8, 120))
    assert.ok(0.97 - 0.63 > allowed(0.97, 96, 0.63, 120))
  })

  it('allows less noise with more rows', () => {
    assert.ok(accuracyGapError(0.9, 10_000, 0.9, 10_000) < accuracyGapError(0.9, 100, 0.9, 100) / 5)
  })
})
