/** Time and timers, injected so the scheduler runs on a fake clock in tests and simulations. */
export interface Clock {
  /** ms since the epoch. */
  now(): number
  /** Calls `fn` after `delayMs`; returns a function that cancels it. */
  schedule(delayMs: number, fn: () => void): () => void
}

/** The real clock; its timers do not keep the process alive. */
export const systemClock: Clock = {
  now: () => Date.now(),
  schedule(delayMs: number, fn: () => void): () => void {
    const timer = setTimeout(fn, Math.max(0, delayMs))
    timer.unref()
    return () => clearTimeout(timer)
  }
}

/** A clock that moves only when told; timers fire in time order during `advance`. */
export class FakeClock implements Clock {
  #now: number
  #seq = 0
  readonly #timers = new Map<number, { at: number; fn: () => void }>()

  constructor(start: number) {
    this.#now = start
  }

  now(): number {
    return this.#now
  }

  schedule(delayMs: number, fn: () => void): () => void {
    const id = this.#seq++
    this.#timers.set(id, { at: this.#now + Math.max(0, delayMs), fn })
    return () => {
      this.#timers.delete(id)
    }
  }

  /** Moves time forward by `ms`, firing each due timer (also ones scheduled meanwhile) at its time. */
  advance(ms: number): void {
    const target = this.#now + ms
    for (;;) {
      const due = [...this.#timers.entries()]
        .filter(([, timer]) => timer.at <= target)
        .sort(([a, x], [b, y]) => x.at - y.at || a - b)[0]
      if (due === undefined) break
      this.#timers.delete(due[0])
      this.#now = Math.max(this.#now, due[1].at)
      due[1].fn()
    }
    this.#now = target
  }

  /** Timers not yet fired. */
  get pending(): number {
    return this.#timers.size
  }
}
