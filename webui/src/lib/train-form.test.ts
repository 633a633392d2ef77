import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { buildTrainSubmission, csvColumns, type TrainForm, trainCurves } from './train-form.js'

const form = (over: Partial<TrainForm> = {}): TrainForm => ({
  dataset: { cid: 'bafkreiexample', name: 'species.csv' },
  labelColumn: 'species',
  modelKind: 'template',
  template: 'mlp',
  hidden: '16',
  topology: '',
  epochs: '20',
  batchSize: '16',
  learningRate: '0.02',
  optimizer: 'adam',
  heldOutPercent: '20',
  maxPrice: '0.001',
  budget: '',
  ...over
})

describe('buildTrainSubmission', () => {
  it('builds what the API takes, prices in base units', () => {
    const built = buildTrainSubmission(form())
    assert.ok(built.ok)
    assert.deepEqual(built.submission, {
      dataset: { cid: 'bafkreiexample', name: 'species.csv' },
      labelColumn: 'species',
      model: { kind: 'template', name: 'mlp', hidden: [16] },
      epochs: 20,
      batchSize: 16,
      optimizer: 'adam',
      learningRate: 0.02,
      heldOut: { fraction: 0.2 },
      maxPricePerUnit: '1000000000000000'
    })
  })

  it('puts each problem on the field path the API uses', () => {
    const built = buildTrainSubmission(
      form({ dataset: null, labelColumn: '', epochs: '0', learningRate: '-1', maxPrice: 'lots', hidden: 'a' })
    )
    assert.ok(!built.ok)
    assert.deepEqual(Object.keys(built.errors).sort(), [
      'dataset',
      'epochs',
      'labelColumn',
      'learningRate',
      'maxPricePerUnit',
      'model.hidden'
    ])
  })

  it('takes a layers model as JSON and refuses text that is not', () => {
    const topology = { class_name: 'Sequential', config: { layers: [] } }
    const ok = buildTrainSubmission(form({ modelKind: 'layers', topology: JSON.stringify(topology) }))
    assert.ok(ok.ok && ok.submission.model?.kind === 'layers')
    const bad = buildTrainSubmission(form({ modelKind: 'layers', topology: 'model = tf.sequential()' }))
    assert.ok(!bad.ok && 'model.topology' in bad.errors)
  })

  it('asks for a budget that covers every epoch', () => {
    const built = buildTrainSubmission(form({ budget: '0.01' }))
    assert.ok(!built.ok && /cover every epoch/.test(built.errors.budget ?? ''))
    assert.ok(buildTrainSubmission(form({ budget: '0.02' })).ok)
  })
})

describe('csvColumns', () => {
  it('reads the header line', () => {
    assert.deepEqual(csvColumns('sepal,"petal",species\r\n1,2,setosa\n'), ['sepal', 'petal', 'species'])
    assert.deepEqual(csvColumns('justone\n1\n'), [])
    assert.deepEqual(csvColumns('a,,b\n'), [])
  })
})

describe('trainCurves', () => {
  it('draws loss and accuracy per epoch, with gaps where a metric is missing', () => {
    const curves = trainCurves([
      { epoch: 1, loss: 1, acc: 0.5, valLoss: null, valAcc: null },
      { epoch: 2, loss: 0.5, acc: 0.8, valLoss: 0.6, valAcc: 0.75 }
    ])
    assert.deepEqual(curves.loss[1]!.points, [
      [1, null],
      [2, 0.6]
    ])
    assert.deepEqual(
      curves.accuracy.map((s) => s.label),
      ['accuracy', 'validation accuracy']
    )
  })
})
