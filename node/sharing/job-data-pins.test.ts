import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { cidsInSpec } from './job-data-pins.js'

const SCENE = 'bafkreig4duo2qeniqo2uhmfyq3vp4anfa42fpi4ypgonntbruyduiw5pmm'
const DATASET = 'bafybeigdyrzt5sfp7udm7hu76uh7y26nf3efuylqabf3oclgtqy55fbzdi'

describe('the CIDs a job spec names', () => {
  it('finds render inputs and training datasets, once each, and skips what is not a CID', () => {
    const render = {
      kind: 'render',
      requester: '12D3KooW…',
      render: { input: { cid: SCENE, name: 'scene.blend' } }
    }
    assert.deepEqual(cidsInSpec(render), [SCENE])
    const train = {
      kind: 'train',
      train: { dataset: { cid: DATASET, name: 'species.csv' }, resumeCid: SCENE, extra: [{ cid: DATASET }] },
      notes: { cid: 'not a cid' }
    }
    assert.deepEqual(cidsInSpec(train).sort(), [DATASET, SCENE].sort())
  })
})
