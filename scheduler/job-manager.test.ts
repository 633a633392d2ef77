import assert from 'node:assert/strict'
import { afterEach, describe, it } from 'node:test'
import { JobSpecError } from './errors.js'
import { ManagerHarness } from './manager/test-harness.js'
import { NOW, ONE_TOKEN, PEERS, renderSpec } from './test-support.js'

const { alice, bob, carol } = PEERS
const range = (start: number, end: number): number[] =>
  Array.from({ length: end - start + 1 }, (_, i) => start + i)

describe('JobManager: placing and finishing a job', () => {
  let h: ManagerHarness
  afterEach(async () => h.close())

  it('offers a 12-frame job, splits it over the two bidders after the window, and completes with every frame', async () => {
    h = await new ManagerHarness().start()
    const id = await h.manager.submit(renderSpec())
    assert.equal(h.published.length, 1)
    const offer = h.published[0]!
    assert.equal(offer.jobId, id)
    assert.equal(offer.units, 12)
    assert.deepEqual(offer.requirements.capabilities, ['render'])
    assert.equal(offer.maxPricePerUnit, ONE_TOKEN)
    assert.equal(offer.expiresAt, NOW + 60_000)
    assert.equal((await h.manager.get(id))?.job.state.name, 'offered')

    assert.deepEqual(await h.bid(id, alice, { pricePerUnit: 300n }), { accepted: true, reason: '' })
    await h.bid(id, bob, { pricePerUnit: 100n })
    assert.equal(h.awards.length, 0, 'no award before the bid window closes')
    await h.tick(1500)

    assert.deepEqual(h.awardOf(bob), {
      jobId: id,
      taskId: 'task-0',
      frames: range(1, 6),
      pricePerUnit: 100n,
      deadline: NOW + 3600_000
    })
    assert.deepEqual(h.awardOf(alice).frames, range(7, 12))
    assert.equal(h.awardOf(alice).pricePerUnit, 300n)
    const running = await h.manager.get(id)
    assert.equal(running?.job.state.name, 'running')
    assert.deepEqual(running?.job.workers.sort(), [alice, bob].sort())

    const progress = {
      jobId: id,
      taskId: 'task-0',
      worker: bob,
      frame: 2,
      sample: 32,
      samples: 32,
      framesDone: 1,
      framesTotal: 6
    }
    assert.ok((await h.manager.onProgress(progress)).accepted)
    const shown = h.events.find((e) => e.type === 'progress')
    assert.equal(shown?.progress?.framesDone, 1)
    assert.equal((await h.manager.get(id))?.tasks[0]?.state.name, 'running')

    assert.ok((await h.manager.onResult(h.result(bob))).accepted)
    assert.equal((await h.manager.get(id))?.unitsDone, 6)
    assert.ok((await h.manager.onResult(h.result(alice))).accepted)
    const done = await h.manager.get(id)
    assert.equal(done?.job.state.name, 'completed')
    assert.deepEqual(
      Object.keys(done!.outputs)
        .map(Number)
        .sort((a, b) => a - b),
      range(1, 12)
    )
    assert.deepEqual(done?.outputs['7'], { cid: 'bafyframe7', bytes: 1007 })
    assert.equal(h.events.at(-1)?.type, 'completed')
    assert.equal(h.events.at(-1)?.state, 'completed')
    assert.deepEqual(
      (await h.manager.list()).map((j) => [j.id, j.state, j.unitsDone, j.unitsTotal]),
      [[id, 'completed', 12, 12]]
    )
    const log = await h.manager.history(id)
    assert.deepEqual(
      log.map((e) => e.seq),
      range(0, log.length - 1)
    )
    assert.ok(log.some((e) => e.type === 'progress' && e.message === 'task-0: 1 of 6 frames done'))
  })

  it('awards at once when bids for every worker it wants have arrived', async () => {
    h = await new ManagerHarness({ maxWorkers: 2 }).start()
    const id = await h.manager.submit(renderSpec())
    await h.bid(id, alice)
    assert.equal(h.awards.length, 0)
    await h.bid(id, bob)
    assert.equal(h.awards.length, 2, 'awarded without waiting for the window')
    await h.tick(1500)
    assert.equal(h.awards.length, 2, 'the window closing later awards nothing more')
  })

  it('caps frames per task: 12 frames at most 3 per task over two workers makes four tasks, the rest queued', async () => {
    h = await new ManagerHarness({ maxUnitsPerTask: 3 }).start()
    const id = await h.manager.submit(renderSpec())
    await h.bid(id, alice)
    await h.bid(id, bob)
    await h.tick(1500)
    const view = await h.manager.get(id)
    assert.deepEqual(
      view?.tasks.map((t) => t.units.length),
      [3, 3, 3, 3]
    )
    assert.deepEqual(
      h.awards.map((a) => a.award.taskId),
      ['task-0', 'task-1']
    )
    await h.manager.onResult(h.result(h.awards[0]!.worker))
    assert.equal(h.awards.at(-1)?.award.taskId, 'task-2', 'a worker that delivers gets the next waiting task')
  })

  it('a declined award goes to the next bid', async () => {
    h = await new ManagerHarness({ maxWorkers: 2 }).start()
    h.declining.set(alice, 'GPU went away')
    const id = await h.manager.submit(renderSpec())
    await h.bid(id, alice, { pricePerUnit: 10n })
    await h.bid(id, bob)
    await h.bid(id, carol)
    await h.tick(1500)
    const accepted = (await h.manager.get(id))!.tasks.map((t) => t.state.worker).sort()
    assert.deepEqual(accepted, [bob, carol].sort())
    assert.deepEqual((await h.manager.get(id))?.job.declinedWorkers, [alice])
    assert.ok(
      h.events.some(
        (e) => e.type === 'award-declined' && e.worker === alice && /GPU went away/.test(e.message)
      )
    )
  })

  it('an award the node narrowed (a resumed task) is logged with the units it covers', async () => {
    h = await new ManagerHarness({ maxWorkers: 1 }).start()
    h.narrowing.set(alice, (frames) => frames.slice(4))
    const id = await h.manager.submit(renderSpec())
    await h.bid(id, alice)
    await h.tick(1500)
    const awarded = h.events.find((e) => e.type === 'awarded' && e.worker === alice)
    assert.match(awarded?.message ?? '', /frames 5-12\) awarded .*the others were delivered before/)
  })

  it('refuses bids above the max price, with no free slot, or for unknown jobs; keeps the latest bid per worker', async () => {
    h = await new ManagerHarness().start()
    const id = await h.manager.submit(renderSpec())
    assert.equal((await h.bid(id, alice, { pricePerUnit: ONE_TOKEN + 1n })).accepted, false)
    assert.equal((await h.bid(id, alice, { freeSlots: 0 })).accepted, false)
    assert.match((await h.bid('bagaaieranope', alice)).reason, /unknown/)
    await h.bid(id, bob, { pricePerUnit: 500n })
    await h.bid(id, bob, { pricePerUnit: 400n })
    assert.deepEqual(
      (await h.manager.get(id))?.job.bids.map((b) => [b.worker, b.pricePerUnit]),
      [[bob, '400']]
    )
  })

  it('submitting the same spec again returns the same id and offers nothing new; a bad spec throws field errors', async () => {
    h = await new ManagerHarness().start()
    const id = await h.manager.submit(renderSpec())
    assert.equal(await h.manager.submit(renderSpec()), id)
    assert.equal(h.published.length, 1)
    await assert.rejects(h.manager.submit(renderSpec({}, { samples: 0 })), (err: unknown) => {
      return err instanceof JobSpecError && 'render.samples' in err.fields
    })
  })

  it('messages about a task count only from the worker holding it', async () => {
    h = await new ManagerHarness({ maxWorkers: 1 }).start()
    const id = await h.manager.submit(renderSpec())
    await h.bid(id, alice)
    const stranger = { ...h.result(alice), worker: carol }
    assert.match((await h.manager.onResult(stranger)).reason, /not yours/)
    assert.match(
      (await h.manager.onHeartbeat({ jobId: id, taskId: 'task-9', worker: alice })).reason,
      /no such task/
    )
    assert.equal((await h.manager.get(id))?.tasks[0]?.state.name, 'awarded')
  })
})
