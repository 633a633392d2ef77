/**
 * Runs async work one at a time per key, in call order (work on different keys runs
 * concurrently). Used so read-modify-write of one job never interleaves.
 */
export class SerialQueue {
  readonly #tails = new Map<string, Promise<unknown>>()

  /** Runs `work` after every earlier work on `key` settled; resolves or rejects with it. */
  run<T>(key: string, work: () => Promise<T>): Promise<T> {
    const previous = this.#tails.get(key) ?? Promise.resolve()
    const result = previous.then(work, work)
    const tail = result.then(
      () => undefined,
      () => undefined
    )
    this.#tails.set(key, tail)
    void tail.then(() => {
      if (this.#tails.get(key) === tail) this.#tails.delete(key)
    })
    return result
  }

  /** Resolves once all work queued so far (and work it queued meanwhile) has settled. */
  async idle(): Promise<void> {
    while (this.#tails.size > 0) await Promise.all(this.#tails.values())
  }
}
