import type { WorkerService } from '../worker/worker-service.js'
import { parseSettingsPatch, saveSettings, WorkerSettingsError } from '../worker/worker-settings.js'
import { BadRequestError } from './errors.js'
import type { ApiServer } from './server.js'

export interface WorkerRouteDeps {
  dataDir: string
  /** The worker role once started; undefined on a node without it. */
  worker(): WorkerService | undefined
}

const NO_WORKER =
  'this node does not have the worker role; start it with --roles worker (or worker,requester)'

/**
 * GET /worker (this node's worker: capabilities, hardware, capacity, settings, running tasks,
 * the hardware history for charts) and PUT /worker/settings (pause/resume, price floor, markup,
 * allowed hours: applied at once and kept in config.json).
 */
export function registerWorkerRoutes(api: ApiServer, deps: WorkerRouteDeps): void {
  api.route('GET', '/worker', () => {
    const worker = deps.worker()
    if (worker === undefined) return { enabled: false }
    const capacity = worker.ownCapacity()
    return {
      enabled: true,
      capabilities: worker.capabilities(),
      hardware: worker.hardware(),
      capacity: { ...capacity, priceFloorPerUnit: capacity.priceFloorPerUnit.toString() },
      settings: worker.settings(),
      tasks: worker.tasks(),
      history: worker.hardwareHistory()
    }
  })

  api.route('PUT', '/worker/settings', async (req) => {
    const worker = deps.worker()
    if (worker === undefined) throw new BadRequestError(NO_WORKER)
    let patch: ReturnType<typeof parseSettingsPatch>
    try {
      patch = parseSettingsPatch(await req.json())
    } catch (err) {
      if (err instanceof WorkerSettingsError) throw new BadRequestError(err.message, err.fields)
      throw err
    }
    // kept first: a change the file cannot hold is not applied either
    await saveSettings(deps.dataDir, patch)
    return { settings: worker.applySettings(patch) }
  })
}
