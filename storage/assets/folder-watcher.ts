import { type FSWatcher, watch } from 'node:fs'
import { basename, dirname } from 'node:path'
import { describeError } from '../../protocols/common/errors.js'
import type { Logger } from '../../protocols/common/logger.js'

export interface FolderWatcherOptions {
  /** The watched folder, or a single file. */
  path: string
  kind: 'file' | 'folder'
  /** Quiet time after the last change event before `onChange` runs. */
  debounceMs: number
  /** `onChange` also runs this often, events or not (0: never). */
  rescanMs: number
  /** Rescans and re-imports; never runs twice at once. */
  onChange: () => Promise<void>
  log: Logger
}

/**
 * Calls `onChange` when something under a path may have changed: on file-system events
 * (fs.watch, recursive for a folder; for a file its folder, since editors save by renaming a
 * new file over the old one), debounced, and on a periodic rescan in case events are lost.
 * Runs never overlap; a change during a run schedules one more run after it.
 */
export class FolderWatcher {
  readonly #opts: FolderWatcherOptions
  #fsWatcher?: FSWatcher
  #debounce?: NodeJS.Timeout
  #rescan?: NodeJS.Timeout
  #running?: Promise<void>
  #again = false
  #stopped = false

  constructor(opts: FolderWatcherOptions) {
    this.#opts = opts
  }

  start(): void {
    const { path, kind, rescanMs, log } = this.#opts
    const file = kind === 'file' ? basename(path) : undefined
    try {
      this.#fsWatcher = watch(
        kind === 'file' ? dirname(path) : path,
        { recursive: kind === 'folder', persistent: false },
        (_event, name) => {
          if (file === undefined || name === null || name === file) this.schedule()
        }
      )
      this.#fsWatcher.on('error', (err) => {
        log.warn('file-system events stopped for a watched path; rescanning periodically instead', {
          path,
          error: describeError(err)
        })
        this.#fsWatcher?.close()
        this.#fsWatcher = undefined
      })
    } catch (err) {
      log.warn('cannot follow file-system events for a watched path; rescanning periodically instead', {
        path,
        error: describeError(err)
      })
    }
    if (rescanMs > 0) {
      this.#rescan = setInterval(() => this.#run(), rescanMs)
      this.#rescan.unref()
    }
  }

  /** Runs `onChange` once things have been quiet for the debounce time. */
  schedule(): void {
    if (this.#stopped) return
    clearTimeout(this.#debounce)
    this.#debounce = setTimeout(() => this.#run(), this.#opts.debounceMs)
    this.#debounce.unref()
  }

  /** Runs `onChange` now (or right after the run under way) and waits for it. */
  async runNow(): Promise<void> {
    this.#run()
    while (this.#running !== undefined) await this.#running
  }

  #run(): void {
    if (this.#stopped) return
    if (this.#running !== undefined) {
      this.#again = true
      return
    }
    this.#running = this.#opts
      .onChange()
      .catch((err: unknown) => {
        this.#opts.log.warn('re-importing a watched path failed; the previous version stays', {
          path: this.#opts.path,
          error: describeError(err)
        })
      })
      .finally(() => {
        this.#running = undefined
        if (this.#again) {
          this.#again = false
          this.#run()
        }
      })
  }

  /** Stops watching and waits for a run under way. */
  async stop(): Promise<void> {
    this.#stopped = true
    clearTimeout(this.#debounce)
    clearInterval(this.#rescan)
    this.#fsWatcher?.close()
    this.#fsWatcher = undefined
    while (this.#running !== undefined) await this.#running
  }
}
