import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { decideBid } from '../../bidding.js'
import { JobSpecError } from '../../errors.js'
import { unitPriceFor } from '../../pricing.js'
import type { JobSpec } from '../../spec/types.js'
import { validateJobSpec } from '../../spec/validate.js'
import { cpuWorker, NOW, ONE_TOKEN, PEERS, rtx4090Worker } from '../../test-support.js'
import { trainJobKind } from './kind.js'
import type { TrainJobParams } from './types.js'

const DATASET_CID = 'bafkreigh2akiscaildcqabsyg3dfr6chu3fgpregiymsck7e7aqa4s52zy'

/** A 20-epoch MLP job on a 480-row, 4-feature, 3-class CSV; override any part of `train`. */
function trainSpec(train: Record<string, unknown> = {}, envelope: Partial<JobSpec> = {}): JobSpec {
  return {
    version: 1,
    kind: 'train',
    requester: PEERS.requester,
    createdAt: NOW,
    budget: (20n * ONE_TOKEN).toString(),
    maxPricePerUnit: ONE_TOKEN.toString(),
    deadline: NOW + 3600_000,
    requirements: { capabilities: [] },
    ...envelope,
    train: {
      model: { kind: 'template', name: 'mlp', hidden: [16] },
      dataset: { cid: DATASET_CID, name: 'species.csv', format: 'csv', labelColumn: 'species' },
      preprocessing: { normalize: true, oneHot: true, shuffleSeed: 7, validationSplit: 0.2 },
      optimizer: 'adam',
      learningRate: 0.02,
      loss: 'categoricalCrossentropy',
      metrics: ['accuracy'],
      epochs: 20,
      batchSize: 32,
      datasetInfo: { rows: 480, features: 4, classes: 3, bytes: 14_000 },
      ...train
    } as unknown as TrainJobParams
  }
}

function fieldErrors(spec: unknown): Record<string, string> {
  try {
    validateJobSpec(spec, { now: NOW })
  } catch (err) {
    if (err instanceof JobSpecError) return err.fields
    throw err
  }
  return {}
}

describe('trainJobKind', () => {
  it('a valid train spec passes; units are its epochs, held by one task', () => {
    const spec = validateJobSpec(trainSpec(), { now: NOW })
    assert.equal(trainJobKind.units(spec), 20)
    const plans = trainJobKind.split(spec, 4, { maxUnitsPerTask: 5 })
    assert.equal(plans.length, 1, 'training is sequential: one task whatever the worker count')
    assert.deepEqual(
      plans[0]!.units,
      Array.from({ length: 20 }, (_, i) => i + 1)
    )
  })

  it("reports the trainer's errors under train.", () => {
    const errors = fieldErrors(trainSpec({ learningRate: 0, optimizer: 'adamax' }))
    assert.match(errors['train.learningRate'] ?? '', /above 0/)
    assert.match(errors['train.optimizer'] ?? '', /give one of sgd/)
    const lambda = fieldErrors(
      trainSpec({
        model: {
          kind: 'layers',
          topology: {
            class_name: 'Sequential',
            config: {
              name: 'm',
              layers: [{ class_name: 'Lambda', config: { name: 'l', batch_input_shape: [null, 4] } }]
            }
          }
        }
      })
    )
    assert.ok(
      Object.entries(lambda).some(
        ([path, message]) => path.startsWith('train.model') && /Lambda/.test(message)
      ),
      JSON.stringify(lambda)
    )
  })

  it('needs the dataset summary, a real CID, a model that fits the data, and at most 4096 epochs', () => {
    const { datasetInfo: _, ...noInfo } = trainSpec().train!
    const spec = { ...trainSpec(), train: noInfo }
    assert.match(fieldErrors(spec)['train.datasetInfo'] ?? '', /give an object with rows/)
    assert.match(
      fieldErrors(trainSpec({ dataset: { cid: 'x', name: 'a.csv', format: 'csv', labelColumn: 'y' } }))[
        'train.dataset.cid'
      ] ?? '',
      /CID/
    )
    const misfit = fieldErrors(
      trainSpec({ model: { kind: 'template', name: 'mlp', hidden: [16], inputShape: [2, 3] } })
    )
    assert.match(misfit['train.model.inputShape'] ?? '', /6 values per sample .* 4 features/)
    assert.match(fieldErrors(trainSpec({ epochs: 5000 }))['train.epochs'] ?? '', /at most 4096/)
  })

  it('an image-folder job: its features are the pixels of its image shape, up to 512 × 512 × 3', () => {
    const images = (shape: number[], features: number): JobSpec =>
      trainSpec({
        model: { kind: 'template', name: 'cnn-small', inputShape: shape },
        dataset: { cid: DATASET_CID, name: 'shapes', format: 'image-folder', imageShape: shape },
        preprocessing: { normalize: false, oneHot: true, shuffleSeed: 7, validationSplit: 0.2 },
        datasetInfo: { rows: 240, features, classes: 3, bytes: 200_000 }
      })
    assert.deepEqual(fieldErrors(images([28, 28, 1], 784)), {})
    assert.deepEqual(
      fieldErrors(images([256, 256, 3], 256 * 256 * 3)),
      {},
      'more features than a CSV may have'
    )
    assert.match(
      fieldErrors(images([28, 28, 1], 785))['train.datasetInfo.features'] ?? '',
      /784 values, not 785/
    )
  })

  it('the budget must cover the max price for every epoch', () => {
    const errors = fieldErrors(trainSpec({}, { budget: ONE_TOKEN.toString() }))
    assert.match(errors.budget ?? '', /× 20 epochs/)
  })

  it('requires `train` and needs a GPU only when the requirements ask for one', () => {
    const plain = trainSpec()
    assert.deepEqual(trainJobKind.requiredCapabilities(plain), ['train'])
    assert.equal(trainJobKind.needsGpu(plain), false)
    const gpu = trainSpec({}, { requirements: { capabilities: ['train', 'cpu'], minVramBytes: 8e9 } })
    assert.deepEqual(trainJobKind.requiredCapabilities(gpu), ['train', 'cpu'])
    assert.equal(trainJobKind.needsGpu(gpu), true)
  })

  it('prices an epoch by weights × rows: a small MLP costs the minimum, a large one more', () => {
    const floor = 10n ** 15n
    assert.equal(unitPriceFor(floor, trainJobKind.workPerUnit(trainSpec())), floor / 10n)
    const big = trainSpec({
      model: { kind: 'template', name: 'mlp', hidden: [1024, 1024] },
      datasetInfo: { rows: 1_000_000, features: 4, classes: 3, bytes: 30_000_000 }
    })
    // 6 × (4·1024+1024 + 1024·1024+1024 + 1024·3+3) weights × 10^6 rows / 10^12 ≈ 6.34 reference units
    const work = trainJobKind.workPerUnit(big)
    assert.equal(Number(work.num) / Number(work.den), (6 * 1_057_795 * 1e6) / 1e12)
    assert.equal(unitPriceFor(floor, work), 6_346_770_000_000_000n)
  })

  it('a CPU worker bids on a train offer; a GPU requirement it cannot meet makes it decline', () => {
    const offer = { jobId: 'job', spec: trainSpec(), expiresAt: NOW + 60_000 }
    const decision = decideBid(offer, cpuWorker(PEERS.alice), { kinds: ['render', 'train'] }, NOW)
    assert.ok('bid' in decision, 'decline' in decision ? decision.decline.message : '')
    const gpuOffer = {
      ...offer,
      spec: trainSpec({}, { requirements: { capabilities: [], gpuVendor: 'nvidia' } })
    }
    const declined = decideBid(gpuOffer, cpuWorker(PEERS.alice), {}, NOW)
    assert.ok('decline' in declined && declined.decline.code === 'requirements')
    assert.ok('bid' in decideBid(gpuOffer, rtx4090Worker(PEERS.bob), {}, NOW))
    assert.ok('decline' in decideBid(offer, cpuWorker(PEERS.alice), { kinds: ['render'] }, NOW))
  })
})
