import assert from 'node:assert/strict'
import { writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { unixfs } from '@helia/unixfs'
import { CID } from 'multiformats/cid'
import { validateJobSpec } from '../../scheduler/index.js'
import { type LocalHelia, startLocalHelia } from '../../storage/blocks/testing.js'
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
      bytes: Buffer.byteLength(job.sent.csv)
    })
    const chunks: Uint8Array[] = []
    for await (const chunk of unixfs(local.helia).cat(CID.parse(train.dataset.cid))) chunks.push(chunk)
    const published = Buffer.concat(chunks).toString('utf8')
    assert.equal(published, job.sent.csv, 'workers receive exactly the sent rows')
    for (const row of job.heldOut.csv.trim().split('\n').slice(1)) {
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
})
