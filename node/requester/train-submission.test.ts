import assert from 'node:assert/strict'
import { writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { unixfs } from '@helia/unixfs'
import { CID } from 'multiformats/cid'
import { validateJobSpec } from '../../scheduler/index.js'
import { generateShapes } from '../../simulations/assets/train/generate-shapes.js'
import { type LocalHelia, startLocalHelia } from '../../storage/blocks/testing.js'
import { importDirectory } from '../../storage/files/index.js'
import { SPECIES_CSV } from '../trainer/test-support.js'
import { prepareTrainJob, type TrainSubmission } from './train-submission.js'

const REQUESTER = '12D3KooWQaxGb4x7F7qa3X4sB3C6avydHZ3JJqLJWCXiRrE7jwmJ'

function submission(overrides: Partial<TrainSubmission> = {}): TrainSubmission {
  return {
    dataset: { path: SPECIES_CSV },
    labelColumn: 'species',
    epochs: 10,
    heldOut: { fraction: 0.25, seed: 3 },
    maxPricePerUnit: '1000',
    ...overrides
  }
}

describe('prepareTrainJob', () => {
  let local: LocalHelia
  before(async () => {
    local = await startLocalHelia()
  })
  after(async () => {
    await local.stop()
  })

  const prepare = (s: TrainSubmission): ReturnType<typeof prepareTrainJob> =>
    prepareTrainJob(s, { helia: local.helia, requester: REQUESTER, now: Date.now() })

  it('keeps the held-out rows back and publishes only the rest, which the spec names', async () => {
    const job = await prepare(submission())
    assert.equal(job.heldOut.dataset.labels.length, 150, '25 % of 600 rows stay here')
    assert.equal(job.sent.dataset.labels.length, 450)
    const spec = validateJobSpec(job.spec)
    const train = spec.train!
    assert.deepEqual(train.datasetInfo, {
      rows: 450,
      features: 4,
      classes: 3,
      bytes: Buffer.byteLength(job.sent.csv!)
    })
    const chunks: Uint8Array[] = []
    for await (const chunk of unixfs(local.helia).cat(CID.parse(train.dataset.cid))) chunks.push(chunk)
    const published = Buffer.concat(chunks).toString('utf8')
    assert.equal(published, job.sent.csv, 'workers receive exactly the sent rows')
    for (const row of job.heldOut.csv!.trim().split('\n').slice(1)) {
      assert.ok(!published.includes(`\n${row}\n`), `held-out row ${row} is not published`)
    }
    assert.equal(spec.budget, '10000', 'the default budget is the max price for every epoch')
  })

  it('the same seed picks the same held-out rows', async () => {
    const a = await prepare(submission())
    const b = await prepare(submission())
    assert.equal(a.heldOut.csv, b.heldOut.csv)
    const c = await prepare(submission({ heldOut: { fraction: 0.25, seed: 4 } }))
    assert.notEqual(a.heldOut.csv, c.heldOut.csv)
  })

  it('a malformed CSV or an unusable held-out share fails before anything is offered', async () => {
    const bad = join(local.dir, 'bad.csv')
    await writeFile(bad, 'a,b,species\n1,2,x\n3,oops,y\n')
    await assert.rejects(prepare(submission({ dataset: { path: bad } })), {
      code: 'ERR_TRAIN_DATASET',
      message: /line 3, column "b": "oops" is not a number/
    })
    await assert.rejects(
      prepare(submission({ labelColumn: 'colour' })),
      /label column "colour" is not in the header/
    )
    await assert.rejects(prepare(submission({ heldOut: { fraction: 0.9 } })), {
      code: 'ERR_TRAIN_SUBMISSION'
    })
  })

  it('a model that does not fit the data is a field error of the spec', async () => {
    const job = await prepare(
      submission({ model: { kind: 'template', name: 'cnn-small', inputShape: [2, 2, 2] } })
    )
    assert.throws(() => validateJobSpec(job.spec), /train\.model\.inputShape/)
  })

  describe('image folders', () => {
    let shapes: string
    before(() => {
      shapes = join(local.dir, 'shapes')
      generateShapes(shapes, 10)
    })
    const images = (overrides: Partial<TrainSubmission> = {}): TrainSubmission => {
      const { labelColumn: _, ...rest } = submission({
        dataset: { path: shapes },
        heldOut: { fraction: 0.2, seed: 9 }
      })
      return { ...rest, ...overrides }
    }

    /** `<class>/<file>` of every file in a published UnixFS folder. */
    async function publishedFiles(cid: string): Promise<string[]> {
      const fs = unixfs(local.helia)
      const files: string[] = []
      for await (const cls of fs.ls(CID.parse(cid))) {
        for await (const file of fs.ls(cls.cid)) files.push(`${cls.name}/${file.name}`)
      }
      return files.sort()
    }

    it('a folder is an image dataset: a seeded slice of every class stays here, the rest is published', async () => {
      const job = await prepare(images())
      try {
        const train = validateJobSpec(job.spec).train!
        assert.equal(train.dataset.format, 'image-folder')
        assert.deepEqual(train.dataset.imageShape, [28, 28, 1])
        assert.deepEqual(train.model, { kind: 'template', name: 'cnn-small', inputShape: [28, 28, 1] })
        assert.equal(train.preprocessing.normalize, false, 'pixels are in [0, 1] already')
        assert.deepEqual(train.datasetInfo, { rows: 24, features: 784, classes: 3, bytes: job.images!.bytes })
        const published = await publishedFiles(train.dataset.cid)
        assert.equal(published.length, 24)
        assert.deepEqual(published, [...job.images!.kept.files].sort())
        assert.equal(job.images!.heldOut.files.length, 6, '2 of each class')
        for (const file of job.images!.heldOut.files)
          assert.ok(!published.includes(file), `${file} is held out`)
      } finally {
        await job.images?.dispose()
      }
    })

    it('an uploaded folder (a UnixFS folder CID) works the same, at the shape asked for', async () => {
      const { cid } = await importDirectory(local.helia, shapes)
      const job = await prepare(images({ dataset: { cid, name: 'shapes' }, imageShape: [16, 16, 3] }))
      try {
        const train = validateJobSpec(job.spec).train!
        assert.deepEqual(train.dataset.imageShape, [16, 16, 3])
        assert.equal(train.datasetInfo.features, 16 * 16 * 3)
        assert.equal(train.dataset.name, 'shapes')
      } finally {
        await job.images?.dispose()
      }
    })

    it('a bad image, a label column or a bad shape fails with field errors before anything is offered', async () => {
      const bad = join(local.dir, 'bad-shapes')
      generateShapes(bad, 3)
      await writeFile(join(bad, 'square', 'notes.png'), 'not an image')
      await assert.rejects(
        prepare(images({ dataset: { path: bad } })),
        (err: Error & { fields?: object }) => {
          assert.equal((err as { code?: string }).code, 'ERR_TRAIN_DATASET')
          assert.match(
            String((err.fields as Record<string, string>)['dataset["square/notes.png"]']),
            /not a PNG/
          )
          return true
        }
      )
      await assert.rejects(prepare(images({ labelColumn: 'species' })), { code: 'ERR_TRAIN_SPEC' })
      await assert.rejects(prepare(images({ imageShape: [28, 28, 4] })), { code: 'ERR_TRAIN_SPEC' })
    })
  })
})
