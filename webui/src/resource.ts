// Data a page loads for itself from the API: loaded on mount, kept fresh by polling while the tab is visible,
// reloaded when the app's Retry is pressed, and cancelled when the page goes away.
import { onBeforeUnmount, onMounted, reactive, watch } from 'vue'
import { type ApiClient, ApiError } from './api.js'
import { type Network, type Resource, useNetwork } from './network.js'

export interface ApiResource<T> {
  state: Resource<T>
  /** Loads now; a load already running is finished first, then this one runs. */
  reload(): Promise<void>
}

export interface ApiResourceOptions {
  /** Poll interval in ms; a function may return null to pause polling (e.g. once a job has finished). */
  pollMs?: number | (() => number | null)
}

export function useApiResource<T>(
  fetcher: (api: ApiClient, signal: AbortSignal) => Promise<T>,
  options: ApiResourceOptions = {}
): ApiResource<T> {
  const network = useNetwork()
  const state = reactive({ data: null, error: null, loading: false, loadedAt: null }) as Resource<T>
  let controller: AbortController | null = null
  let running: Promise<void> | null = null
  let again = false
  let timer: ReturnType<typeof setTimeout> | null = null
  let alive = true

  async function loadOnce(): Promise<void> {
    controller = new AbortController()
    state.loading = true
    try {
      const data = await fetcher(network.api, controller.signal)
      if (!alive) return
      state.data = data as Resource<T>['data']
      state.error = null
      state.loadedAt = Date.now()
    } catch (err) {
      if (!alive || controller.signal.aborted) return
      const error = err instanceof ApiError ? err : new ApiError(String(err), 'ERR_UNKNOWN')
      network.noteError(error)
      state.error = error
    } finally {
      state.loading = false
    }
  }

  async function reload(): Promise<void> {
    if (running !== null) {
      again = true
      return running
    }
    running = (async () => {
      do {
        again = false
        await loadOnce()
      } while (again && alive)
    })()
    try {
      await running
    } finally {
      running = null
      schedule()
    }
  }

  function interval(): number | null {
    return typeof options.pollMs === 'function' ? options.pollMs() : (options.pollMs ?? null)
  }

  function schedule(): void {
    if (timer !== null) clearTimeout(timer)
    timer = null
    const ms = interval()
    if (!alive || ms === null) return
    timer = setTimeout(() => {
      timer = null
      if (document.visibilityState === 'visible') void reload()
      else schedule()
    }, ms)
  }

  onMounted(() => void reload())
  watch(
    () => network.state.refreshes,
    () => void reload()
  )
  onBeforeUnmount(() => {
    alive = false
    controller?.abort()
    if (timer !== null) clearTimeout(timer)
  })
  return { state, reload }
}

export const ERR_NOT_REQUESTER = 'ERR_NOT_REQUESTER'

/**
 * Runs `load` only on a node with the requester role (workers and jobs live there); otherwise fails with an
 * error that says how to turn the role on, without a request the node would refuse.
 */
export async function whenRequester<T>(
  network: Network,
  signal: AbortSignal,
  load: () => Promise<T>
): Promise<T> {
  const status = network.state.status.data ?? (await network.api.status(signal))
  if (!status.roles.includes('requester')) {
    throw new ApiError(
      'This node does not have the requester role, so it does not look for workers or submit jobs. Start it with `--roles requester` (or `--roles worker,requester`).',
      ERR_NOT_REQUESTER
    )
  }
  return load()
}
