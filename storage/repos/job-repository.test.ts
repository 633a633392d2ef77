import assert from 'node:assert/strict'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { Level } from 'level'
import type { JobRecord, TaskRecord } from './job-records.js'
import { JobRepository } from './job-repository.js'

type State = { name: string; since: number }
type Repo = JobRepository<{ frames: number }, State, State>

const JOB_A = 'bagaaierajoba'
const JOB_B = 'bagaaierajobb'

function job(id: string, name = 'running'): JobRecord<{ frames: number }, State> {
  return {
    id,
    kind: 'render',
    spec: { frames: 12 },
    state: { name, since: 1 },
    createdAt: 1,
    updatedAt: 1,
    units: [1, 2, 3, 4],
    workers: ['alice'],
    failedWorkers: [],
    declinedWorkers: [],
    bids: [],
    offerRound: 1,
    emptyRounds: 0,
    unitsDone: 0
  }
}

function task(jobId: string, index: number, name = 'running'): TaskRecord<State> {
  return {
    jobId,
    taskId: `task-${index}`,
    index,
    units: [index * 2 + 1, index * 2 + 2],
    state: { name, since: 1 },
    outputs: {}
  }
}

describe('JobRepository on level', () => {
  let dir: string
  let repo: Repo

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'rynus-jobs-'))
    repo = await JobRepository.open(join(dir, 'db'))
  })

  after(async () => {
    await repo.close()
    await rm(dir, { recursive: true, force: true })
  })

  it('puts a job with its tasks and reads them back in task order, tasks of other jobs apart', async () => {
    const tasks = [10, 2, 0].map((i) => task(JOB_A, i))
    await repo.put({ job: job(JOB_A), tasks }, { sync: true }, [
      { at: 1, type: 'submitted', message: 'submitted' }
    ])
    await repo.put({ job: job(JOB_B), tasks: [task(JOB_B, 0)] }, { sync: false })
    const read = await repo.get(JOB_A)
    assert.deepEqual(read?.job, job(JOB_A))
    assert.deepEqual(
      read?.tasks.map((t) => t.index),
      [0, 2, 10]
    )
    assert.equal(await repo.get('bagaaieranope'), undefined)
    assert.deepEqual(
      (await repo.list()).map((j) => j.id),
      [JOB_A, JOB_B]
    )
  })

  it('writes a job, a task and log lines in one batch; log lines are numbered per job', async () => {
    const done = { ...task(JOB_A, 0, 'accepted'), outputs: { '1': { cid: 'bafyone', bytes: 10 } } }
    await repo.write(
      JOB_A,
      {
        job: { ...job(JOB_A), updatedAt: 5 },
        tasks: [done],
        events: [
          { at: 5, type: 'task-accepted', message: 'task-0 accepted', taskId: 'task-0' },
          { at: 5, type: 'progress', message: '2/4 frames' }
        ]
      },
      { sync: true }
    )
    const read = await repo.get(JOB_A)
    assert.equal(read?.job.updatedAt, 5)
    assert.deepEqual(read?.tasks[0]?.outputs, { '1': { cid: 'bafyone', bytes: 10 } })
    const log = await repo.events(JOB_A)
    assert.deepEqual(
      log.map((e) => [e.seq, e.type]),
      [
        [0, 'submitted'],
        [1, 'task-accepted'],
        [2, 'progress']
      ]
    )
    assert.deepEqual(
      (await repo.events(JOB_A, { afterSeq: 1 })).map((e) => e.seq),
      [2]
    )
    assert.deepEqual(await repo.events(JOB_B), [])
  })

  it('concurrent updates of one job never lose a change', async () => {
    await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        repo.update(
          JOB_B,
          (current) => ({
            job: { ...current.job, workers: [...current.job.workers, `w${i}`] },
            events: [{ at: i, type: 'note', message: `w${i}` }]
          }),
          { sync: false }
        )
      )
    )
    const read = await repo.get(JOB_B)
    assert.equal(read?.job.workers.length, 21)
    const seqs = (await repo.events(JOB_B)).map((e) => e.seq)
    assert.deepEqual(
      seqs,
      Array.from({ length: 20 }, (_, i) => i)
    )
    assert.equal(await repo.update('bagaaieranope', () => ({}), { sync: false }), undefined)
  })

  it('refuses a record written under another job id', async () => {
    await assert.rejects(repo.write(JOB_A, { job: job(JOB_B) }, { sync: false }))
    await assert.rejects(repo.write(JOB_A, { tasks: [task(JOB_B, 3)] }, { sync: false }))
  })

  it('after close and reopen (a restarted requester) every job, task and log line is as it was', async () => {
    const before = { a: await repo.get(JOB_A), b: await repo.get(JOB_B), log: await repo.events(JOB_A) }
    await repo.close()
    repo = await JobRepository.open(join(dir, 'db'))
    assert.deepEqual(await repo.get(JOB_A), before.a)
    assert.deepEqual(await repo.get(JOB_B), before.b)
    assert.deepEqual(await repo.events(JOB_A), before.log)
    await repo.write(JOB_A, { events: [{ at: 9, type: 'resumed', message: 'resumed' }] }, { sync: true })
    assert.deepEqual((await repo.events(JOB_A)).at(-1)?.seq, 3)
  })

  it('deletes a job with its tasks and log', async () => {
    await repo.delete(JOB_B)
    assert.equal(await repo.get(JOB_B), undefined)
    assert.deepEqual(await repo.events(JOB_B), [])
    assert.ok(await repo.get(JOB_A))
  })

  it('lives in sublevels of a shared database without touching its other keys', async () => {
    const db = new Level<string, unknown>(join(dir, 'shared'), { valueEncoding: 'json' })
    await db.put('other', { mine: true })
    const shared: Repo = new JobRepository(db)
    await shared.put({ job: job(JOB_A), tasks: [task(JOB_A, 0)] }, { sync: true })
    await shared.close()
    assert.equal(db.status, 'open')
    assert.deepEqual(await db.get('other'), { mine: true })
    await db.close()
  })
})
