import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import * as tf from '@tensorflow/tfjs'
import { FieldErrors } from '../../scheduler/spec/field-checks.js'
import { TrainSpecError } from './errors.js'
import { checkModelTopology } from './model-safety.js'
import { trainParamErrors, validateTrainParams } from './spec.js'
import { resolveModel } from './templates.js'
import { speciesParams } from './test-support.js'

function topology(model: tf.LayersModel): Record<string, unknown> {
  return model.toJSON(null, false) as Record<string, unknown>
}

function specErrors(params: Record<string, unknown>): Record<string, string> {
  try {
    validateTrainParams(params)
  } catch (err) {
    assert.ok(err instanceof TrainSpecError)
    assert.equal(err.code, 'ERR_TRAIN_SPEC')
    return err.fields
  }
  return assert.fail('the parameters were accepted')
}

const dense = (units: number, extra: Record<string, unknown> = {}) => ({
  class_name: 'Dense',
  config: { units, activation: 'relu', ...extra }
})
const sequential = (layers: unknown[]) => ({ class_name: 'Sequential', config: { name: 'm', layers } })

describe('training parameters', () => {
  it('accepts a template job and fills in defaults', () => {
    const { metrics: _, ...withoutMetrics } = speciesParams()
    const params = validateTrainParams(withoutMetrics)
    assert.deepEqual(params.metrics, ['accuracy'])
    assert.deepEqual(params.model, { kind: 'template', name: 'mlp', hidden: [16] })
  })

  it('reports each bad field with its path', () => {
    const fields = specErrors(
      speciesParams({ epochs: 0, optimizer: 'adamax', loss: 'sparseCategoricalCrossentropy', extra: 1 })
    )
    assert.match(fields.epochs!, /from 1 to/)
    assert.match(fields.optimizer!, /one of sgd/)
    assert.match(fields.loss!, /oneHot to false/)
    assert.match(fields.extra!, /unknown field/)
  })

  it('refuses an absurd learning rate before training', () => {
    assert.match(specErrors(speciesParams({ learningRate: 1e12 })).learningRate!, /from 0 to 1000/)
  })

  it('takes image folders with an image shape that matches a cnn-small', () => {
    const images = { cid: 'x', name: 'shapes', format: 'image-folder', imageShape: [28, 28, 1] }
    const cnn = { kind: 'template', name: 'cnn-small', inputShape: [28, 28, 1] }
    assert.deepEqual(trainParamErrors(speciesParams({ dataset: images, model: cnn })), {})
    const params = validateTrainParams(speciesParams({ dataset: images, model: cnn }))
    assert.deepEqual(params.dataset.imageShape, [28, 28, 1])
    const fields = specErrors(
      speciesParams({
        dataset: { ...images, imageShape: [28, 28, 2], labelColumn: 'species' },
        model: { ...cnn, inputShape: [32, 32, 3] }
      })
    )
    assert.match(fields['dataset.imageShape']!, /1 \(gray\) or 3 \(RGB\) channels/)
    assert.match(fields['dataset.labelColumn']!, /labels from the class subfolders/)
    const mismatch = specErrors(
      speciesParams({ dataset: images, model: { ...cnn, inputShape: [32, 32, 3] } })
    )
    assert.match(mismatch['model.inputShape']!, /imageShape \[28, 28, 1\]/)
    const csvShape = speciesParams({
      dataset: { ...(speciesParams().dataset as object), imageShape: [28, 28, 1] }
    })
    assert.match(specErrors(csvShape)['dataset.imageShape']!, /only image-folder/)
  })

  it('refuses a template layer of 10^9 units', () => {
    const fields = specErrors(speciesParams({ model: { kind: 'template', name: 'mlp', hidden: [1e9] } }))
    assert.match(fields['model.hidden[0]']!, /from 1 to 65536/)
  })
})

describe('model safety', () => {
  it('refuses a Lambda layer, naming the layer', () => {
    const model = sequential([
      dense(8, { batch_input_shape: [null, 4] }),
      { class_name: 'Lambda', config: { function: 'x => x' } }
    ])
    const fields = specErrors(speciesParams({ model: { kind: 'layers', topology: model } }))
    assert.match(
      fields['model.topology.config.layers[1].class_name']!,
      /Lambda.*not allowed.*models are data/
    )
  })

  it('refuses an unknown layer hidden inside a nested model', () => {
    const inner = sequential([{ class_name: 'MyCustomLayer', config: {} }])
    const model = sequential([dense(8, { batch_input_shape: [null, 4] }), inner])
    const fields = specErrors(speciesParams({ model: { kind: 'layers', topology: model } }))
    assert.ok(fields['model.topology.config.layers[1].config.layers[0].class_name'])
  })

  it('refuses a dense layer of 10^9 units', () => {
    const model = sequential([dense(1e9, { batch_input_shape: [null, 4] }), dense(3)])
    const fields = specErrors(speciesParams({ model: { kind: 'layers', topology: model } }))
    assert.equal(
      fields['model.topology.config.layers[0].config.units'],
      'units of a Dense layer must be a whole number from 1 to 65536, not 1000000000'
    )
  })

  it('checks a camelCase size like its snake_case spelling', () => {
    const layer = { class_name: 'Embedding', config: { inputDim: 10, outputDim: 1e9, inputShape: [4] } }
    const fields = specErrors(speciesParams({ model: { kind: 'layers', topology: sequential([layer]) } }))
    assert.match(fields['model.topology.config.layers[0].config.output_dim']!, /from 1 to 65536/)
  })

  it('refuses a config that spells a size twice', () => {
    const layer = dense(8, { batch_input_shape: [null, 4], batchInputShape: [null, 1e6] })
    const fields = specErrors(speciesParams({ model: { kind: 'layers', topology: sequential([layer]) } }))
    assert.match(fields['model.topology.config.layers[0].config.batch_input_shape']!, /given twice/)
  })

  it('refuses a model whose layers are each allowed but whose parameters add up past the cap', () => {
    const model = sequential([dense(60_000, { batch_input_shape: [null, 4] }), dense(60_000), dense(3)])
    const fields = specErrors(speciesParams({ model: { kind: 'layers', topology: model } }))
    assert.match(Object.values(fields).join(), /more than 50000000 parameters/)
  })

  it('counts parameters exactly as tfjs does, for dense, conv, recurrent and wrapped layers', () => {
    const models = [
      tf.sequential({
        layers: [
          tf.layers.dense({ units: 32, inputShape: [10], activation: 'relu' }),
          tf.layers.batchNormalization(),
          tf.layers.dropout({ rate: 0.2 }),
          tf.layers.dense({ units: 3, activation: 'softmax' })
        ]
      }),
      tf.sequential({
        layers: [
          tf.layers.conv2d({ filters: 8, kernelSize: 3, inputShape: [28, 28, 1], padding: 'same' }),
          tf.layers.maxPooling2d({ poolSize: 2 }),
          tf.layers.conv2d({ filters: 16, kernelSize: [5, 3], strides: 2 }),
          tf.layers.globalAveragePooling2d({}),
          tf.layers.dense({ units: 10 })
        ]
      }),
      tf.sequential({
        layers: [
          tf.layers.embedding({ inputDim: 100, outputDim: 8, inputLength: 12 }),
          tf.layers.bidirectional({ layer: tf.layers.lstm({ units: 6, returnSequences: true }) as never }),
          tf.layers.timeDistributed({ layer: tf.layers.dense({ units: 4 }) }),
          tf.layers.gru({ units: 5 }),
          tf.layers.dense({ units: 2 })
        ]
      })
    ]
    for (const model of models) {
      const errors = new FieldErrors()
      const summary = checkModelTopology(errors, 'm', topology(model))
      assert.deepEqual(errors.fields, {})
      assert.equal(summary?.params, model.countParams())
      assert.deepEqual(summary?.outputShape, model.outputs[0]!.shape.slice(1))
      model.dispose()
    }
  })

  it('checks the model against the data: input size and classes', () => {
    const model = {
      kind: 'layers' as const,
      topology: sequential([dense(8, { batch_input_shape: [null, 5] }), dense(3)])
    }
    assert.throws(() => resolveModel(model, 4, 3), /takes 5 values per sample .* 4 features/)
    const wrongOut = {
      kind: 'layers' as const,
      topology: sequential([dense(8, { batch_input_shape: [null, 4] }), dense(2)])
    }
    assert.throws(() => resolveModel(wrongOut, 4, 3), /has 3 classes; end with a Dense layer of 3 units/)
  })

  it('builds the three templates as checked topologies of the data shape', async () => {
    const mlp = resolveModel({ kind: 'template', name: 'mlp', hidden: [16, 8], dropout: 0.1 }, 4, 3)
    assert.equal(mlp.summary.params, 4 * 16 + 16 + 16 * 8 + 8 + 8 * 3 + 3)
    const cnn = resolveModel({ kind: 'template', name: 'cnn-small', inputShape: [8, 8, 1] }, 64, 10)
    assert.deepEqual(cnn.summary.inputShape, [8, 8, 1])
    const lstm = resolveModel({ kind: 'template', name: 'lstm-small' }, 6, 2)
    assert.deepEqual(lstm.summary.inputShape, [6, 1])
    for (const resolved of [mlp, cnn, lstm]) {
      const model = await tf.models.modelFromJSON({ modelTopology: resolved.topology as never })
      assert.equal(model.countParams(), resolved.summary.params)
      model.dispose()
    }
  })
})
