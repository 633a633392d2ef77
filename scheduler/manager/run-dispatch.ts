import { describeError } from '../../protocols/common/errors.js'
import { providerKeys } from '../capability.js'
import { formatTokens } from '../pricing.js'
import type { Bid } from '../rank/types.js'
import type { JobEvent } from '../state/job-state.js'
import { initialTaskState, isTaskActive, isTaskWaiting, nextTaskState } from '../state/task-state.js'
import { explainNoMatch } from '../why-no-bids.js'
import { planAwards } from './assign.js'
import { describeUnits } from './records.js'
import { RunCore } from './run-core.js'
import type { Ack, JobOfferDraft, SchedulerTask } from './types.js'
import { whyNoBids } from './why-no-bids-now.js'

const refuse = (reason: string): Ack => ({ accepted: false, reason })

/**
 * Placing a job's work: offers and bid windows, "why no bids", splitting, awarding waiting
 * tasks to the best eligible bidders (a declined award goes to the next), re-offering when
 * tasks wait and no bidder is left, and finishing the job.
 */
export class RunDispatch extends RunCore {
  /** The bid window ended (or enough bids came early): award, or say why nobody bid. */
  async closeWindow(): Promise<void> {
    if (this.finished || this.job.bidWindowEndsAt === undefined) return
    this.clearTimer('window')
    delete this.job.bidWindowEndsAt
    const awarded = await this.dispatch()
    const nobodyWorking = !this.tasks.some((task) => isTaskActive(task.state))
    if (awarded === 0 && nobodyWorking && (this.tasks.length === 0 || this.waitingTasks()))
      await this.noBids()
    await this.flush(false)
  }

  async reoffer(): Promise<void> {
    this.timers.delete('reoffer')
    if (this.finished || this.job.bidWindowEndsAt !== undefined) return
    if (this.tasks.length > 0 && !this.waitingTasks()) return
    await this.offer()
  }

  protected async offer(): Promise<void> {
    const { clock, options, ports } = this.ctx
    const now = clock.now()
    this.setJob({ type: 'offer', at: now })
    this.job.offerRound += 1
    this.job.bidWindowEndsAt = now + options.bidWindowMs
    const offer = this.offerDraft(now)
    this.expectedBidders = await this.countCandidates(now)
    try {
      await ports.offers.publish(offer)
      this.log('offered', `offered (round ${this.job.offerRound}): ${offer.units} ${this.kind.unitName}s`)
    } catch (err) {
      this.log('offer-failed', `the offer could not be published: ${describeError(err)}`)
    }
    this.setTimer('window', options.bidWindowMs, () => this.closeWindow())
    await this.flush(false)
  }

  /**
   * How many advertised workers could take the job now (from the capacity port), so the bid
   * window can close as soon as all of them have bid. Undefined when unknown.
   */
  protected expectedBidders: number | undefined

  protected async countCandidates(now: number): Promise<number | undefined> {
    const capacity = this.ctx.ports.capacity
    if (capacity === undefined) return undefined
    try {
      const workers = await capacity.workers()
      const eligible = workers.filter(
        (w) => !this.job.failedWorkers.includes(w.peerId) && !this.job.declinedWorkers.includes(w.peerId)
      )
      const n = explainNoMatch(this.job.spec, eligible, now, this.ctx.kinds).candidates.length
      return n > 0 ? n : undefined
    } catch {
      return undefined
    }
  }

  protected offerDraft(now: number): JobOfferDraft {
    const { spec } = this.job
    const waiting = this.tasks.filter((task) => isTaskWaiting(task.state))
    const { capabilities: _all, ...gpu } = spec.requirements
    return {
      jobId: this.id,
      kind: spec.kind,
      requirements: { ...gpu, capabilities: providerKeys(this.kind.requiredCapabilities(spec)) },
      maxPricePerUnit: BigInt(spec.maxPricePerUnit),
      units:
        this.tasks.length === 0 ? this.kind.units(spec) : waiting.reduce((n, t) => n + t.units.length, 0),
      createdAt: now,
      expiresAt: Math.min(now + this.ctx.options.offerTtlMs, spec.deadline)
    }
  }

  protected async noBids(): Promise<void> {
    const now = this.now()
    this.job.emptyRounds += 1
    const reasons = await whyNoBids(this.job, this.ctx, now)
    this.job.noMatch = { at: now, reasons }
    this.log('no-bids', `no worker took the job in round ${this.job.offerRound}: ${reasons.join('; ')}`)
    if (this.job.emptyRounds >= this.ctx.options.maxEmptyRounds) {
      await this.finish(
        'fail',
        `no worker took the job after ${this.job.emptyRounds} offers: ${reasons.join('; ')}`
      )
      return
    }
    this.setTimer('reoffer', this.ctx.options.reofferDelayMs, () => this.reoffer())
  }

  /** Awards waiting tasks to the best eligible bidders; a declined award goes to the next. */
  protected async dispatch(): Promise<number> {
    let awarded = 0
    for (;;) {
      if (this.finished) break
      const ranked = this.rankedBids()
      if (ranked.length === 0) break
      if (this.tasks.length === 0) this.split(ranked.length)
      const waiting = this.tasks.filter((task) => isTaskWaiting(task.state))
      const active = new Map<string, number>()
      for (const task of this.tasks) {
        if (isTaskActive(task.state))
          active.set(task.state.worker!, (active.get(task.state.worker!) ?? 0) + 1)
      }
      const plans = planAwards(waiting, ranked, active, this.ctx.options.maxWorkers)
      if (plans.length === 0) break
      const replies = await Promise.all(
        plans.map((plan) => this.award(this.tasks[plan.taskIndex]!, plan.bid))
      )
      awarded += replies.filter(Boolean).length
      if (replies.every(Boolean)) break
    }
    if (awarded > 0) {
      this.job.emptyRounds = 0
      await this.flush(true)
    }
    return awarded
  }

  protected split(bidders: number): void {
    const { options } = this.ctx
    const plans = this.kind.split(this.job.spec, Math.min(options.maxWorkers, bidders), {
      maxUnitsPerTask: options.maxUnitsPerTask
    })
    const now = this.now()
    this.tasks = plans.map((plan) => ({
      jobId: this.id,
      taskId: `task-${plan.index}`,
      index: plan.index,
      units: plan.units,
      state: initialTaskState(now),
      outputs: {}
    }))
    for (const task of this.tasks) this.dirty.add(task)
    this.job.units = plans.flatMap((plan) => plan.units)
  }

  protected async award(task: SchedulerTask, bid: Bid): Promise<boolean> {
    const award = {
      jobId: this.id,
      taskId: task.taskId,
      frames: task.units,
      pricePerUnit: bid.pricePerUnit,
      deadline: this.job.spec.deadline
    }
    let reply: Ack & { frames?: number[] }
    try {
      reply = await this.ctx.ports.market.sendAward(bid.worker, award)
    } catch (err) {
      reply = refuse(`unreachable: ${describeError(err)}`)
    }
    if (!reply.accepted) {
      if (!this.job.declinedWorkers.includes(bid.worker)) this.job.declinedWorkers.push(bid.worker)
      this.log('award-declined', `${task.taskId} declined: ${reply.reason}`, {
        taskId: task.taskId,
        worker: bid.worker
      })
      return false
    }
    const now = this.now()
    this.setTask(task, nextTaskState(task.state, { type: 'award', at: now, worker: bid.worker }))
    task.pricePerUnit = bid.pricePerUnit.toString()
    task.outputs = {}
    delete task.progress
    if (!this.job.workers.includes(bid.worker)) this.job.workers.push(bid.worker)
    this.setJob({ type: 'award', at: now })
    const price = `${formatTokens(bid.pricePerUnit)} per ${this.kind.unitName}`
    const sent = reply.frames ?? task.units
    const narrowed = sent.length < task.units.length ? ` (the others were delivered before)` : ''
    this.log(
      'awarded',
      `${task.taskId} (${this.kind.unitName}s ${describeUnits(sent)}) awarded at ${price}${narrowed}`,
      {
        taskId: task.taskId,
        worker: bid.worker
      }
    )
    return true
  }

  /** Offers the job again when tasks wait and no bidder is left to take them. */
  protected async keepGoing(): Promise<void> {
    if (this.finished || !this.waitingTasks()) return
    if (this.job.bidWindowEndsAt !== undefined || this.timers.has('reoffer')) return
    const working = this.tasks.some((task) => isTaskActive(task.state))
    if (working && this.rankedBids().length > 0) return
    await this.offer()
  }

  protected async finish(type: 'complete' | 'fail' | 'cancel', reason: string): Promise<void> {
    if (this.finished) return
    const at = this.now()
    const event: JobEvent = type === 'complete' ? { type, at } : { type, at, reason }
    this.setJob(event)
    delete this.job.bidWindowEndsAt
    this.suspend()
    for (const task of this.tasks) {
      if (task.state.name === 'accepted' || task.state.name === 'cancelled') continue
      if (isTaskActive(task.state)) this.cancelRemote(task.state.worker!, task.taskId, reason)
      this.setTask(task, nextTaskState(task.state, { type: 'cancel', at }))
    }
    const kind = type === 'complete' ? 'completed' : type === 'fail' ? 'failed' : 'cancelled'
    this.log(kind, type === 'complete' ? reason : `${kind}: ${reason}`)
    await this.flush(true)
  }
}
