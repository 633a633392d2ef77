/**
 * An abort signal that fires when `touch()` has not been called for `ms`: the timeout of a
 * transfer that stalls, not of one that is merely long.
 */
export class IdleTimeout {
  readonly signal: AbortSignal
  private readonly controller = new AbortController()
  private readonly ms: number
  private timer?: NodeJS.Timeout

  constructor(ms: number) {
    this.ms = ms
    this.signal = this.controller.signal
    this.touch()
  }

  get fired(): boolean {
    return this.controller.signal.aborted
  }

  touch(): void {
    clearTimeout(this.timer)
    if (this.fired) return
    this.timer = setTimeout(() => this.controller.abort(new Error(`idle for ${this.ms} ms`)), this.ms)
  }

  clear(): void {
    clearTimeout(this.timer)
  }
}
