import {
  BUSY_LOOP_LOAD,
  FETCH_BATCH_BLOCKS,
  FETCH_WINDOW_BLOCKS,
  MIN_FETCH_BATCH_BLOCKS,
  PROBE_FIRST_BACKOFF_PHASES,
  PROBE_GAIN,
  PROBE_LOSS,
  PROBE_MAX_BACKOFF_PHASES,
  SOURCE_PHASE_MIN_BLOCKS,
  SOURCE_PHASE_MS
} from './constants.js'

/** The share of the time since its last call that this node's event loop was busy (0 to 1). */
export type LoadMeter = () => number

/** A LoadMeter over Node's event loop utilisation. */
export function eventLoopLoad(): LoadMeter {
  let last = performance.eventLoopUtilization()
  return () => {
    const now = performance.eventLoopUtilization()
    const load = performance.eventLoopUtilization(now, last).utilization
    last = now
    return load
  }
}

interface Phase {
  /** +1: one provider more than the steady phase before it; -1: one fewer; 0: steady. */
  probe: -1 | 0 | 1
  /** The provider that joined (+1) or left (-1) for the probe. */
  changed?: string
  /** When the phase is measured from (undefined: from its first block). */
  startedAt?: number
  bytes: number
  blocks: number
}

/**
 * Which of a fetch's providers it asks, decided by measurement, as a hill climb. A fetch
 * starts with the first provider found. Every few phases it tries one provider more (or one
 * fewer) for a phase: one more is kept when that phase delivered PROBE_GAIN more than the
 * steady phase before it, one fewer when it lost no more than PROBE_LOSS; otherwise the
 * change is undone and the next try, in the other direction, waits twice as many phases.
 * So providers that each send slower than this node can take (a home uplink, a busy disk)
 * are all used, and when one provider already keeps this node busy the fetch stays narrow:
 * splitting the wants there only adds work on both sides (shorter runs, more wake-ups,
 * another session). The window stays FETCH_WINDOW_BLOCKS (what a fetch holds in memory);
 * batches shrink so that every provider in use has one out.
 */
export class SourcePlan {
  /** Providers in the order they were found. */
  readonly #known: string[] = []
  readonly #active = new Set<string>()
  /** When each provider last joined the active set, as a sequence number. */
  readonly #joined = new Map<string, number>()
  #joins = 0
  #phase: Phase = { probe: 0, bytes: 0, blocks: 0 }
  /** Rate of the last steady phase, bytes/ms. */
  #steady = 0
  /** Steady phases left before the next probe. */
  #wait = 0
  #backoff = PROBE_FIRST_BACKOFF_PHASES
  #direction: 1 | -1 = 1
  #probes = 0
  readonly #load: LoadMeter

  /** `load`: how busy this node's event loop was since its last call (tests pass their own). */
  constructor(load: LoadMeter = eventLoopLoad()) {
    this.#load = load
  }

  /** Providers asked at present. */
  get size(): number {
    return this.#active.size
  }

  /** Probes started so far (for tests and logs). */
  get probes(): number {
    return this.#probes
  }

  /**
   * Wants sent to one provider at a time: the window shared so that every provider in use has
   * a batch out and one more is ready (8 with one provider, 5 with two, 4 with three).
   */
  get batch(): number {
    const size = Math.max(1, this.#active.size)
    return Math.max(
      MIN_FETCH_BATCH_BLOCKS,
      Math.min(FETCH_BATCH_BLOCKS, Math.floor(FETCH_WINDOW_BLOCKS / (size + 1)))
    )
  }

  isActive(id: string): boolean {
    return this.#active.has(id)
  }

  /** A provider was found; the first one found is used at once. */
  add(id: string): void {
    if (this.#known.includes(id)) return
    this.#known.push(id)
    if (this.#active.size === 0) this.#activate(id)
  }

  /** A provider went away (or was banned): another takes its place when one is idle. */
  remove(id: string): void {
    const at = this.#known.indexOf(id)
    if (at >= 0) this.#known.splice(at, 1)
    if (!this.#active.delete(id)) return
    const next = this.#idle()
    if (next !== undefined) this.#activate(next)
    // the measurement covered a different set: measure again, a steady phase first
    this.#phase = { probe: 0, bytes: 0, blocks: 0 }
    this.#wait = Math.max(this.#wait, 0)
  }

  /**
   * A block of `bytes` arrived from provider `from` at `now` (ms); phases end and probes begin
   * here. A phase with one provider fewer does not count what the one that left still sends
   * (wants it had before): the rate measured is the rate of the providers left.
   */
  delivered(bytes: number, now: number, from: string): void {
    const phase = this.#phase
    if (phase.probe === -1 && from === phase.changed) return
    if (phase.startedAt === undefined) {
      // measured from its first block: the wait for the first answer is latency, not rate
      phase.startedAt = now
      return
    }
    phase.bytes += bytes
    phase.blocks++
    const elapsed = now - phase.startedAt
    // a slow fetch ends its phases on time alone, so it widens in seconds, not minutes
    const long =
      elapsed >= SOURCE_PHASE_MS &&
      (phase.blocks >= SOURCE_PHASE_MIN_BLOCKS ||
        (elapsed >= 4 * SOURCE_PHASE_MS && phase.blocks >= SOURCE_PHASE_MIN_BLOCKS / 2))
    if (!long) return
    const rate = phase.bytes / Math.max(1, elapsed)
    const busy = this.#load() >= BUSY_LOOP_LOAD
    if (phase.probe === 0) this.#steady = rate
    else this.#judge(phase, rate)
    this.#next(now, busy)
  }

  /** A probe ended: keep the change when it paid, else undo it and wait longer. */
  #judge(phase: Phase, rate: number): void {
    const kept =
      phase.probe === 1 ? rate >= this.#steady * (1 + PROBE_GAIN) : rate >= this.#steady * (1 - PROBE_LOSS)
    if (kept) {
      this.#steady = rate
      this.#backoff = PROBE_FIRST_BACKOFF_PHASES
      // on at once while there is a step further that way; the other way was just measured
      const further = phase.probe === 1 ? this.#idle() !== undefined : this.#active.size > 1
      this.#wait = further ? 0 : PROBE_FIRST_BACKOFF_PHASES
      return
    }
    if (phase.changed !== undefined) {
      if (phase.probe === 1) this.#active.delete(phase.changed)
      else if (this.#known.includes(phase.changed)) this.#activate(phase.changed)
    }
    this.#direction = phase.probe === 1 ? -1 : 1
    this.#wait = this.#backoff
    this.#backoff = Math.min(PROBE_MAX_BACKOFF_PHASES, this.#backoff * 2)
  }

  /**
   * Starts the next phase: a probe when one is due. A wider try is put off, as if it had been
   * undone, while this node's event loop was busy (`busy`): then this node is the limit and
   * another provider cannot add rate, only the cost of the try.
   */
  #next(now: number, busy: boolean): void {
    this.#wait--
    let direction = this.#wait < 0 ? this.#probeDirection() : 0
    if (direction === 1 && busy) {
      direction = 0
      this.#wait = this.#backoff
      this.#backoff = Math.min(PROBE_MAX_BACKOFF_PHASES, this.#backoff * 2)
    }
    let changed: string | undefined
    if (direction === 1) {
      changed = this.#idle()
      if (changed !== undefined) this.#activate(changed)
    } else if (direction === -1) {
      changed = this.#newest()
      if (changed !== undefined) this.#active.delete(changed)
    }
    if (direction !== 0) this.#probes++
    this.#phase = { probe: direction, changed, startedAt: now, bytes: 0, blocks: 0 }
  }

  /** The way to try next: on in the direction that last paid, else the other, else none. */
  #probeDirection(): -1 | 0 | 1 {
    const wider = this.#idle() !== undefined
    const narrower = this.#active.size > 1
    if (this.#direction === 1) return wider ? 1 : narrower ? -1 : 0
    return narrower ? -1 : wider ? 1 : 0
  }

  #activate(id: string): void {
    this.#active.add(id)
    this.#joined.set(id, ++this.#joins)
  }

  /** The provider in use that joined last. */
  #newest(): string | undefined {
    let last: string | undefined
    for (const id of this.#active) {
      if (last === undefined || (this.#joined.get(id) ?? 0) > (this.#joined.get(last) ?? 0)) last = id
    }
    return last
  }

  /** The known provider not in use that was tried least recently (never tried first). */
  #idle(): string | undefined {
    let best: string | undefined
    for (const id of this.#known) {
      if (this.#active.has(id)) continue
      if (best === undefined || (this.#joined.get(id) ?? 0) < (this.#joined.get(best) ?? 0)) best = id
    }
    return best
  }
}
