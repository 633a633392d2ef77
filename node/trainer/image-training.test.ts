import assert from 'node:assert/strict'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { generateShapes } from '../../simulations/assets/train/generate-shapes.js'
import { selectBackend } from './backend.js'
import { readImageFolder, stratifiedHoldOut } from './image-folder.js'
import { prepareTrainingData } from './preprocess.js'
import { validateTrainParams } from './spec.js'
import { shapesParams } from './test-support.js'
import { runTraining } from './train-loop.js'
import { verificationData, verifyModel } from './verify.js'

describe('training the small CNN on an image folder (in process, wasm)', () => {
  let dir: string
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'rynus-image-train-'))
    generateShapes(join(dir, 'shapes'), 100)
  })
  after(() => rm(dir, { recursive: true, force: true }))

  it('reaches at least 90 % accuracy on held-out images it never saw, and passes verification', async () => {
    const params = validateTrainParams(shapesParams())
    const folder = await readImageFolder(join(dir, 'shapes'), [28, 28, 1])
    const { kept, heldOut } = stratifiedHoldOut(folder, 0.2, 42)
    const data = prepareTrainingData(kept.dataset, params.preprocessing)
    assert.deepEqual(data.classes, ['circle', 'square', 'triangle'])
    const { tf, info } = await selectBackend({ force: 'wasm' })
    const started = performance.now()
    const done = await runTraining({
      tf,
      backend: info,
      params,
      data,
      checkpointsDir: join(dir, 'checkpoints'),
      modelDir: join(dir, 'model'),
      metricsPath: join(dir, 'metrics.json')
    })
    const seconds = (performance.now() - started) / 1000
    assert.equal(done.lastEpoch, 20)
    const check = verificationData(kept.dataset, heldOut.dataset, params.preprocessing)
    assert.equal(check.heldOut.rows, 60, '20 of each class held back')
    const verdict = await verifyModel({
      modelDir: join(dir, 'model'),
      heldOut: check.heldOut,
      validation: check.validation,
      reportedMetrics: { valLoss: done.final!.valLoss, valAcc: done.final!.valAcc },
      loss: params.loss,
      tf
    })
    console.log(
      `cnn-small on shapes: held-out accuracy ${verdict.heldOutAccuracy.toFixed(3)}, ${seconds.toFixed(1)} s for 20 epochs`
    )
    assert.ok(verdict.heldOutAccuracy >= 0.9, `held-out accuracy ${verdict.heldOutAccuracy}`)
    assert.equal(verdict.accepted, true, verdict.reason)
  })
})
