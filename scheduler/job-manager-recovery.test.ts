import assert from 'node:assert/strict'
import { afterEach, describe, it } from 'node:test'
import { StateTransitionError } from './errors.js'
import { ManagerHarness } from './manager/test-harness.js'
import { cpuWorker, NOW, ONE_TOKEN, PEERS, renderSpec } from './test-support.js'

const { alice, bob, carol } = PEERS

describe('JobManager: failures, silence, restarts', () => {
  let h: ManagerHarness
  afterEach(async () => h.close())

  /** A job split over alice and bob, with carol's bid kept in reserve. */
  async function twoWorkersAndASpare(): Promise<string> {
    h = await new ManagerHarness({ maxWorkers: 2 }).start()
    const id = await h.manager.submit(renderSpec())
    await h.bid(id, alice, { pricePerUnit: 100n })
    await h.bid(id, bob, { pricePerUnit: 200n })
    await h.bid(id, carol, { pricePerUnit: 900n })
    await h.tick(1500)
    assert.deepEqual(h.awards.map((a) => a.worker).sort(), [alice, bob].sort())
    return id
  }

  it('a silent worker loses its task to the spare bidder, is told so, and never gets the job back', async () => {
    const id = await twoWorkersAndASpare()
    const aliceTask = h.awardOf(alice).taskId
    for (let second = 5; second <= 35; second += 5) {
      await h.manager.onHeartbeat({ jobId: id, taskId: h.awardOf(bob).taskId, worker: bob })
      await h.tick(5_000)
    }
    assert.equal(h.awardOf(carol).taskId, aliceTask, "alice's task went to carol")
    assert.deepEqual(
      h.cancels.map((c) => [c.worker, c.cancel.taskId]),
      [[alice, aliceTask]]
    )
    assert.equal(h.awards.filter((a) => a.worker === bob).length, 1, 'bob kept his task')
    assert.match(
      (await h.manager.onHeartbeat({ jobId: id, taskId: aliceTask, worker: alice })).reason,
      /not yours/
    )
    assert.match((await h.manager.onResult(h.result(alice, h.awardOf(alice)))).reason, /not yours/)
    assert.match((await h.bid(id, alice)).reason, /failed a task of this job/)
    const failed = h.events.find((e) => e.type === 'task-failed')
    assert.match(failed!.message, /no heartbeat since/)

    await h.manager.onResult(h.result(bob))
    await h.manager.onResult(h.result(carol))
    const done = await h.manager.get(id)
    assert.equal(done?.job.state.name, 'completed')
    assert.deepEqual(done?.job.failedWorkers, [alice])
    assert.equal(done?.tasks.find((t) => t.taskId === aliceTask)?.state.attempts, 2)
  })

  it('a worker reporting an error is replaced; with no bidder left the job is offered again and a new bidder takes it', async () => {
    h = await new ManagerHarness({ maxWorkers: 1 }).start()
    const id = await h.manager.submit(renderSpec())
    await h.bid(id, alice)
    const ack = await h.manager.onResult({
      ...h.result(alice),
      outputs: [],
      error: 'Blender quit: Missing DNA block'
    })
    assert.ok(ack.accepted)
    assert.equal(h.published.length, 2, 're-offered')
    assert.equal(h.published[1]!.units, 12)
    assert.ok(h.published[1]!.createdAt >= h.published[0]!.createdAt)
    await h.bid(id, bob)
    assert.equal(h.awardOf(bob).taskId, 'task-0', 'the new bidder got the task at once')
    const failed = h.events.find((e) => e.type === 'task-failed')
    assert.equal(failed?.message, 'task-0 failed: the worker reported: Blender quit: Missing DNA block')
    assert.equal(failed?.worker, alice)
  })

  it('a result missing frames, or one verification rejects, fails the task and it is reassigned', async () => {
    h = new ManagerHarness({ maxWorkers: 1 })
    h.verify = async ({ worker }) =>
      worker === bob ? { ok: false, reason: 'frame 3 is all black' } : { ok: true }
    await h.start()
    const id = await h.manager.submit(renderSpec())
    await h.bid(id, alice)
    await h.bid(id, bob, { pricePerUnit: 200n })
    await h.bid(id, carol, { pricePerUnit: 300n })
    const short = h.result(alice)
    short.outputs.pop()
    assert.match((await h.manager.onResult(short)).reason, /lacks frames 12/)
    assert.match((await h.manager.onResult(h.result(bob))).reason, /all black/)
    assert.ok((await h.manager.onResult(h.result(carol))).accepted)
    const done = await h.manager.get(id)
    assert.equal(done?.job.state.name, 'completed')
    assert.deepEqual(done?.job.failedWorkers, [alice, bob])
  })

  it('an empty bid window says why, offers again, and fails the job with the reasons after the last round', async () => {
    h = new ManagerHarness()
    h.capacity = [cpuWorker(alice, { priceFloorPerUnit: 20n * ONE_TOKEN }), cpuWorker(bob, { freeSlots: 0 })]
    await h.start()
    const id = await h.manager.submit(renderSpec())
    await h.tick(1500)
    const first = await h.manager.get(id)
    assert.equal(first?.job.state.name, 'offered')
    assert.deepEqual(first?.job.noMatch?.reasons, [
      '1 of 2 online workers can run it but ask more than the max price of 1 per frame (cheapest: 2); raise maxPricePerUnit to at least 2000000000000000000',
      '1 of 2 online workers could run it within the price but are busy (no free slot); try again later'
    ])
    assert.ok(h.events.some((e) => e.type === 'no-bids'))
    await h.tick(5_000)
    assert.equal(h.published.length, 2, 'offered again after the pause')
    await h.tick(1500)
    const failed = await h.manager.get(id)
    assert.equal(failed?.job.state.name, 'failed')
    assert.match(
      failed!.job.state.reason!,
      /no worker took the job after 2 offers: .*ask more than the max price/
    )
  })

  it('when matching workers exist but stay silent, says so', async () => {
    h = new ManagerHarness()
    h.capacity = [cpuWorker(alice)]
    await h.start()
    const id = await h.manager.submit(renderSpec())
    await h.tick(1500)
    assert.match(
      (await h.manager.get(id))!.job.noMatch!.reasons[0]!,
      /1 advertised workers match the job but none bid within the 1.5 s/
    )
  })

  it('a requester restarted mid-job finds its job and tasks as they were, gives workers a fresh allowance, and completes', async () => {
    const id = await twoWorkersAndASpare()
    await h.manager.onResult(h.result(alice))
    const before = await h.manager.get(id)
    await h.tick(20_000)
    await h.restart()
    const after = await h.manager.get(id)
    assert.deepEqual(after?.job.state, before?.job.state)
    assert.deepEqual(
      after?.tasks.map((t) => [t.taskId, t.state.name, t.state.worker]),
      before?.tasks.map((t) => [t.taskId, t.state.name, t.state.worker])
    )
    assert.equal(after?.unitsDone, 6)
    assert.ok(h.events.some((e) => e.type === 'resumed'))
    await h.tick(25_000)
    assert.equal(h.cancels.length, 0, 'bob was not timed out: silence before the restart does not count')
    assert.ok((await h.manager.onResult(h.result(bob))).accepted)
    assert.equal((await h.manager.get(id))?.job.state.name, 'completed')
  })

  it('a job still collecting bids at restart is offered again and can be placed', async () => {
    h = await new ManagerHarness().start()
    const id = await h.manager.submit(renderSpec())
    await h.restart()
    assert.equal(h.published.length, 2)
    await h.bid(id, alice)
    await h.tick(1500)
    assert.equal(h.awardOf(alice).jobId, id)
  })

  it('cancel tells every active worker; a finished job cannot be cancelled; an unknown one is not found', async () => {
    const id = await twoWorkersAndASpare()
    const view = await h.manager.cancel(id, 'changed my mind')
    assert.equal(view.job.state.name, 'cancelled')
    assert.deepEqual(view.job.state.reason, 'changed my mind')
    assert.deepEqual(h.cancels.map((c) => c.worker).sort(), [alice, bob].sort())
    assert.ok(view.tasks.every((t) => t.state.name === 'cancelled'))
    await assert.rejects(
      h.manager.cancel(id),
      (err: unknown) => err instanceof StateTransitionError && err.code === 'ERR_JOB_TRANSITION'
    )
    await assert.rejects(h.manager.cancel('bagaaieranope'), { code: 'ERR_JOB_NOT_FOUND' })
    assert.match((await h.manager.onResult(h.result(bob))).reason, /unknown or finished/)
  })

  it('a job past its deadline fails and its workers are told', async () => {
    const id = await twoWorkersAndASpare()
    for (let t = 0; t < 3600_000; t += 5_000) {
      for (const worker of [alice, bob])
        await h.manager.onHeartbeat({ jobId: id, taskId: h.awardOf(worker).taskId, worker })
      h.clock.advance(5_000)
    }
    await h.manager.idle()
    const view = await h.manager.get(id)
    assert.equal(view?.job.state.name, 'failed')
    assert.match(view!.job.state.reason!, /deadline passed with 0 of 12 frames/)
    assert.ok(view!.job.state.since >= NOW + 3600_000)
    assert.deepEqual(h.cancels.map((c) => c.worker).sort(), [alice, bob].sort())
  })
})
