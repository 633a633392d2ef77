import assert from 'node:assert/strict'
import { readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { silentLogger } from '../../protocols/common/logger.js'
import { holdOut, parseCsvDataset, rowCount, toCsv } from './dataset.js'
import { TrainCancelledError } from './errors.js'
import { makeScratch, newJobDir, removeScratch, SPECIES_CSV, speciesParams } from './test-support.js'
import { type TrainEpoch, TrainExecutor } from './train-executor.js'
import type { StartEvent } from './train-loop.js'
import { verificationData, verifyModel } from './verify.js'

const TIMEOUT_MS = 120_000

describe('TrainExecutor (tfjs wasm in the sandbox)', () => {
  let scratch: string
  const executor = new TrainExecutor({ backend: 'wasm', keepAllCheckpoints: true }, { logger: silentLogger })

  before(async () => {
    scratch = await makeScratch()
  })
  after(async () => {
    await removeScratch(scratch)
  })

  async function run(
    params: Record<string, unknown>,
    opts: { csv?: string; resumeFrom?: string; signal?: AbortSignal; onEpoch?: (e: TrainEpoch) => void } = {}
  ) {
    const jobDir = await newJobDir(scratch, opts.csv)
    const epochs: TrainEpoch[] = []
    let start: StartEvent | undefined
    const promise = executor.run(
      { jobDir, params, timeoutMs: TIMEOUT_MS, ...(opts.resumeFrom && { resumeFrom: opts.resumeFrom }) },
      {
        onStart: (e) => {
          start = e
        },
        onEpoch: (e) => {
          epochs.push(e)
          opts.onEpoch?.(e)
        },
        ...(opts.signal && { signal: opts.signal })
      }
    )
    return { jobDir, epochs, promise, start: () => start }
  }

  it('trains an MLP to at least 90% held-out accuracy, reporting every epoch and the backend', async () => {
    const all = parseCsvDataset(await readFile(SPECIES_CSV, 'utf8'), 'species')
    const { kept, heldOut } = holdOut(all, 0.2, 11)
    const sent = join(scratch, 'sent.csv')
    await writeFile(sent, toCsv(kept))
    const params = speciesParams()
    const job = await run(params, { csv: sent })
    const result = await job.promise
    assert.equal(result.backend.backend, 'wasm')
    assert.equal(result.backend.simd, true)
    assert.deepEqual(
      job.epochs.map((e) => e.epoch),
      Array.from({ length: 12 }, (_, i) => i + 1)
    )
    assert.equal(job.start()?.trainRows, rowCount(kept) - Math.floor(rowCount(kept) * 0.2))
    assert.ok(job.epochs.every((e) => e.valAcc !== null && e.samplesPerSecond > 0))
    const data = verificationData(kept, heldOut, speciesParams().preprocessing as never)
    const verdict = await verifyModel({
      modelDir: result.modelDir,
      heldOut: data.heldOut,
      validation: data.validation,
      reportedMetrics: result.metrics!,
      loss: 'categoricalCrossentropy'
    })
    assert.ok(verdict.heldOutAccuracy >= 0.9, `held-out accuracy ${verdict.heldOutAccuracy}`)
    assert.ok(verdict.accepted, verdict.reason)
    const metrics = JSON.parse(await readFile(result.metricsPath, 'utf8'))
    assert.deepEqual(metrics.classes, ['setosa', 'versicolor', 'virginica'])
    assert.equal(metrics.history.length, 12)
  })

  it('continues a killed job at the next epoch from its checkpoint, weights and optimizer state included', async () => {
    const params = speciesParams({ epochs: 8 })
    // a reference run straight through
    const whole = await run(params)
    await whole.promise
    // a run killed after epoch 2 …
    const controller = new AbortController()
    const killed = await run(params, {
      signal: controller.signal,
      onEpoch: (e) => {
        if (e.epoch === 2) controller.abort()
      }
    })
    await assert.rejects(
      killed.promise,
      (err) => err instanceof TrainCancelledError && err.code === 'ERR_TRAIN_CANCELLED'
    )
    const checkpoint = killed.epochs.find((e) => e.epoch === 2)!.checkpointDir
    // … resumes on another "worker" (a fresh job folder) at epoch 3 and finishes
    const resumed = await run(params, { resumeFrom: checkpoint })
    const result = await resumed.promise
    assert.equal(resumed.start()?.startEpoch, 3)
    assert.deepEqual(
      resumed.epochs.map((e) => e.epoch),
      [3, 4, 5, 6, 7, 8]
    )
    assert.equal(result.epochsRun, 6)
    assert.equal(result.lastEpoch, 8)
    // resuming the reference run's epoch-2 checkpoint reproduces its epochs 3..8: same weights,
    // same optimizer moments, same batch order (a reset Adam state would change the losses)
    const replay = await run(params, { resumeFrom: whole.epochs[1]!.checkpointDir })
    await replay.promise
    for (const e of replay.epochs) {
      const reference = whole.epochs[e.epoch - 1]!
      assert.ok(Math.abs(e.loss - reference.loss) < 1e-5, `epoch ${e.epoch}: ${e.loss} vs ${reference.loss}`)
      assert.ok(Math.abs(e.valLoss! - reference.valLoss!) < 1e-5)
    }
  })

  it('refuses a checkpoint of another job', async () => {
    const first = await run(speciesParams({ epochs: 1 }))
    await first.promise
    const other = await run(speciesParams({ epochs: 3, learningRate: 0.01 }), {
      resumeFrom: first.epochs[0]!.checkpointDir
    })
    await assert.rejects(other.promise, (err: Error & { code?: string }) => {
      assert.equal(err.code, 'ERR_TRAIN_CHECKPOINT')
      assert.match(err.message, /belongs to another job/)
      return true
    })
    assert.equal(other.epochs.length, 0)
  })
})

describe('TrainExecutor hostile inputs', () => {
  let scratch: string
  const executor = new TrainExecutor({ backend: 'wasm' }, { logger: silentLogger })

  before(async () => {
    scratch = await makeScratch()
  })
  after(async () => {
    await removeScratch(scratch)
  })

  async function failure(
    params: Record<string, unknown>,
    csv?: string
  ): Promise<{ code: string; message: string; epochs: number }> {
    const jobDir = await newJobDir(scratch, csv)
    let epochs = 0
    try {
      await executor.run({ jobDir, params, timeoutMs: TIMEOUT_MS }, { onEpoch: () => void epochs++ })
    } catch (err) {
      const e = err as Error & { code: string }
      return { code: e.code, message: e.message, epochs }
    }
    return assert.fail('training succeeded')
  }

  it('refuses a Lambda layer and a 10^9-unit dense layer before starting a process', async () => {
    const lambda = {
      class_name: 'Sequential',
      config: {
        layers: [
          { class_name: 'Dense', config: { units: 8, batch_input_shape: [null, 4] } },
          { class_name: 'Lambda', config: {} }
        ]
      }
    }
    const huge = {
      class_name: 'Sequential',
      config: { layers: [{ class_name: 'Dense', config: { units: 1e9, batch_input_shape: [null, 4] } }] }
    }
    for (const topology of [lambda, huge]) {
      const jobDir = await newJobDir(scratch)
      await assert.rejects(
        executor.run({
          jobDir,
          params: speciesParams({ model: { kind: 'layers', topology } }),
          timeoutMs: TIMEOUT_MS
        }),
        { code: 'ERR_TRAIN_SPEC' }
      )
      await assert.rejects(readFile(join(jobDir, 'spec.json')), { code: 'ENOENT' })
    }
  })

  it('stops a job whose loss turns NaN with a clear error', async () => {
    const linear = {
      class_name: 'Sequential',
      config: {
        layers: [
          { class_name: 'Dense', config: { units: 16, batch_input_shape: [null, 4] } },
          { class_name: 'Dense', config: { units: 3 } }
        ]
      }
    }
    const params = speciesParams({
      model: { kind: 'layers', topology: linear },
      preprocessing: { normalize: false, oneHot: true, shuffleSeed: 1, validationSplit: 0.2 },
      optimizer: 'sgd',
      learningRate: 100,
      loss: 'meanSquaredError'
    })
    const { code, message, epochs } = await failure(params)
    assert.equal(code, 'ERR_TRAIN_DIVERGED')
    assert.match(
      message,
      /diverged in epoch 1: the loss is not a finite number. Lower the learning rate \(now 100\)/
    )
    assert.equal(epochs, 0)
  })

  it('kills a job that passes its timeout, saying how many epochs were done', async () => {
    const jobDir = await newJobDir(scratch)
    const done: number[] = []
    await assert.rejects(
      executor.run(
        { jobDir, params: speciesParams({ epochs: 10_000 }), timeoutMs: 2500 },
        { onEpoch: (e) => void done.push(e.epoch) }
      ),
      (err: Error & { code?: string; epochsDone?: number }) => {
        assert.equal(err.code, 'ERR_TRAIN_TIMEOUT')
        assert.equal(err.epochsDone, done.length)
        assert.match(err.message, /did not finish within 2500 ms \(\d+ epochs done\)/)
        return true
      }
    )
  })

  it('reports the line of a malformed CSV before training', async () => {
    const csv = join(scratch, 'bad.csv')
    await writeFile(
      csv,
      'sepal_length,sepal_width,petal_length,petal_width,species\n5.1,3.5,1.4,0.2,setosa\n4.9,"3.0,1.4,0.2,setosa\n'
    )
    const { code, message, epochs } = await failure(speciesParams(), csv)
    assert.equal(code, 'ERR_TRAIN_DATASET')
    assert.match(message, /line 3: a quoted field is never closed/)
    assert.equal(epochs, 0)
  })
})
