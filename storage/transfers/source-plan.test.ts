import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { FETCH_BATCH_BLOCKS } from './constants.js'
import { SourcePlan } from './source-plan.js'

const MiB = 1024 * 1024

/** A node whose event loop has time to spare; `busy` one that does not. */
const idle = (): number => 0.1
const busy = (): number => 0.9

/**
 * Feeds `plan` the 1 MiB blocks its providers in use would deliver over `ms` of simulated
 * time, each provider sending at `rate(inUse)` bytes per ms; returns the share of blocks that
 * arrived while each number of providers was in use.
 */
function simulate(
  plan: SourcePlan,
  ids: string[],
  rate: (inUse: number, now: number) => number,
  ms: number
): Map<number, number> {
  const next = new Map<string, number>()
  const sizes = new Map<number, number>()
  let blocks = 0
  let now = 0
  while (now < ms) {
    for (const id of ids) {
      // a provider taken on sends its first block after a part of a block's time, not in step
      const stagger = 0.5 + 0.13 * ids.indexOf(id)
      if (plan.isActive(id) && !next.has(id)) next.set(id, now + (stagger * MiB) / rate(plan.size, now))
      if (!plan.isActive(id)) next.delete(id)
    }
    const [id, at] = [...next].reduce((a, b) => (b[1] < a[1] ? b : a))
    now = at
    sizes.set(plan.size, (sizes.get(plan.size) ?? 0) + 1)
    blocks++
    next.set(id, now + MiB / rate(plan.size, now))
    plan.delivered(MiB, now, id)
  }
  return new Map([...sizes].map(([k, v]) => [k, v / blocks]))
}

describe('SourcePlan', () => {
  it('starts with the first provider found and widens to all while each adds rate (providers slower than this node)', () => {
    const plan = new SourcePlan(idle)
    for (const id of ['a', 'b', 'c']) plan.add(id)
    assert.equal(plan.size, 1)
    assert.ok(plan.isActive('a'))
    assert.equal(plan.batch, FETCH_BATCH_BLOCKS)
    // every provider sends 30 MB/s whatever the others do
    const share = simulate(plan, ['a', 'b', 'c'], () => 30_000, 20_000)
    assert.ok((share.get(3) ?? 0) > 0.7, `all three in use most of the time (${JSON.stringify([...share])})`)
  })

  it('stays with one provider when more add nothing (this node is the limit), trying again less and less often', () => {
    const plan = new SourcePlan(idle)
    for (const id of ['a', 'b', 'c']) plan.add(id)
    // 150 MB/s in all, shared by the providers in use, ±10 % from one moment to the next
    const shared = (inUse: number, now: number): number => (150_000 * (1 + 0.1 * Math.sin(now / 37))) / inUse
    const share = simulate(plan, ['a', 'b', 'c'], shared, 60_000)
    assert.equal(plan.size, 1)
    assert.ok((share.get(1) ?? 0) > 0.85, `one provider most of the time (${JSON.stringify([...share])})`)
    assert.ok(plan.probes <= 10, `${plan.probes} probes in a minute`)
  })

  it('does not try more providers while this node is busy, so a fetch it limits pays for no tries', () => {
    const plan = new SourcePlan(busy)
    for (const id of ['a', 'b', 'c']) plan.add(id)
    const shared = (inUse: number): number => 150_000 / inUse
    const share = simulate(plan, ['a', 'b', 'c'], shared, 60_000)
    assert.equal(plan.probes, 0)
    assert.equal(share.get(1), 1, 'one provider throughout')
  })

  it('narrows again when a provider it took on stops adding rate', () => {
    const plan = new SourcePlan(idle)
    for (const id of ['a', 'b']) plan.add(id)
    // slow providers for 10 s, then this node becomes the limit at 60 MB/s in all
    const rate = (inUse: number, now: number): number => (now < 10_000 ? 30_000 : 60_000 / inUse)
    simulate(plan, ['a', 'b'], rate, 10_000)
    assert.equal(plan.size, 2)
    simulate(plan, ['a', 'b'], rate, 60_000)
    assert.equal(plan.size, 1)
  })

  it('widens when providers are very slow (phases end on time, not on 16 blocks)', () => {
    const plan = new SourcePlan(idle)
    for (const id of ['a', 'b', 'c']) plan.add(id)
    // 0.5 MB/s each: a 1 MiB block every 2 s
    const share = simulate(plan, ['a', 'b', 'c'], () => 500, 90_000)
    assert.ok((share.get(3) ?? 0) > 0.6, `three in use for most blocks (${JSON.stringify([...share])})`)
  })

  it('puts an idle provider in the place of one that went away', () => {
    const plan = new SourcePlan(idle)
    for (const id of ['a', 'b']) plan.add(id)
    plan.remove('a')
    assert.equal(plan.size, 1)
    assert.ok(plan.isActive('b'))
    plan.remove('b')
    assert.equal(plan.size, 0)
    plan.add('c')
    assert.ok(plan.isActive('c'), 'a provider found later is used when none is left')
  })
})
