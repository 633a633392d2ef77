import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { summarise } from './history.js'
import type { MarketEvent } from './market-events.js'

const ME = '0x00000000000000000000000000000000000000aA'
const WORKER = '0x00000000000000000000000000000000000000bB'
const OTHER = '0x00000000000000000000000000000000000000cC'
let n = 0
const meta = () => ({
  blockNumber: ++n,
  blockHash: `0xb${n}`,
  txHash: `0x${n.toString(16).padStart(64, '0')}`,
  logIndex: 0
})

describe('wallet history', () => {
  const events: MarketEvent[] = [
    { name: 'JobCreated', jobId: 1n, requester: ME.toLowerCase(), budget: 100n, deadline: 0n, ...meta() },
    { name: 'JobCreated', jobId: 2n, requester: OTHER, budget: 999n, deadline: 0n, ...meta() },
    { name: 'TaskAdded', taskId: 10n, jobId: 1n, worker: WORKER, price: 30n, dueAt: 0n, ...meta() },
    { name: 'TaskAdded', taskId: 11n, jobId: 1n, worker: WORKER, price: 20n, dueAt: 0n, ...meta() },
    { name: 'TaskAdded', taskId: 20n, jobId: 2n, worker: ME, price: 50n, dueAt: 0n, ...meta() },
    { name: 'TaskReleased', taskId: 10n, worker: WORKER, payout: 29n, fee: 1n, ...meta() },
    { name: 'TaskReleased', taskId: 20n, worker: ME, payout: 49n, fee: 1n, ...meta() },
    { name: 'TaskExpired', taskId: 11n, slashed: 5n, ...meta() },
    { name: 'BudgetRefunded', jobId: 1n, requester: ME, amount: 45n, ...meta() },
    { name: 'Withdrawn', account: ME, to: ME, amount: 49n, ...meta() }
  ]

  it("lists this address's escrows, payments, earnings, refunds and withdrawals, newest first", () => {
    const { entries } = summarise(events, ME, 0)
    assert.deepEqual(
      entries.map((e) => [e.kind, e.amount, e.jobId ?? null, e.taskId ?? null]),
      [
        ['withdrawn', '49', null, null],
        ['refunded', '45', '1', null],
        ['earned', '49', '2', '20'],
        ['paid', '30', '1', '10'],
        ['escrowed', '100', '1', null]
      ]
    )
    assert.equal(entries.find((e) => e.kind === 'paid')?.counterparty, WORKER)
    assert.ok(entries.every((e) => /^0x[0-9a-f]{64}$/.test(e.txHash)))
  })

  it('says per job what was escrowed, paid, refunded and is still held', () => {
    const { escrows } = summarise(events, ME, 0)
    assert.deepEqual(
      escrows.map(({ txHash: _, ...e }) => e),
      [{ jobId: '1', budget: '100', paid: '30', refunded: '45', held: '25', tasks: 2 }]
    )
  })

  it("shows another worker's slash only to that worker", () => {
    const slashed = summarise(events, WORKER, 0).entries.filter((e) => e.kind === 'slashed')
    assert.deepEqual(
      slashed.map((e) => [e.amount, e.taskId]),
      [['5', '11']]
    )
    assert.equal(summarise(events, ME, 0).entries.filter((e) => e.kind === 'slashed').length, 0)
  })

  it('a partly paid task: the requester paid the delivered part and the worker earned it (nothing slashed)', () => {
    const partial: MarketEvent[] = [
      { name: 'JobCreated', jobId: 3n, requester: ME, budget: 100n, deadline: 0n, ...meta() },
      { name: 'TaskAdded', taskId: 30n, jobId: 3n, worker: WORKER, price: 50n, dueAt: 0n, ...meta() },
      { name: 'TaskReleased', taskId: 30n, worker: WORKER, payout: 19n, fee: 1n, ...meta() },
      { name: 'TaskCut', taskId: 30n, refunded: 30n, ...meta() }
    ]
    const worker = summarise(partial, WORKER, 0).entries
    assert.deepEqual(
      worker.map((e) => [e.kind, e.amount, e.taskId]),
      [['earned', '19', '30']]
    )
    const { entries, escrows } = summarise(partial, ME, 0)
    assert.deepEqual(
      entries.map((e) => [e.kind, e.amount]),
      [
        ['paid', '20'],
        ['escrowed', '100']
      ]
    )
    // the refunded part is back in the job's budget: still held until refundUnspent
    assert.deepEqual(
      escrows.map(({ txHash: _, ...e }) => e),
      [{ jobId: '3', budget: '100', paid: '20', refunded: '0', held: '80', tasks: 1 }]
    )
  })
})
