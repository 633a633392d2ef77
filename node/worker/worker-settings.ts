import { rename, writeFile } from 'node:fs/promises'
import { describeError } from '../../protocols/common/errors.js'
import { parseAllowedHours } from '../../scheduler/allowed-hours.js'
import type { NodeConfig } from '../config/config.js'
import { configPath, readConfigFile } from '../config/load.js'

/** What an operator changes on a running worker (the Worker settings page, `PUT /worker/settings`). */
export interface WorkerSettings {
  paused: boolean
  /** Token base units per render unit, as a decimal string. */
  priceFloorPerUnit: string
  allowedHours: string[]
  markupPercent: number
}

export const SETTING_KEYS = ['paused', 'priceFloorPerUnit', 'allowedHours', 'markupPercent'] as const

/** A settings change that failed validation; `fields` says what is wrong with each setting. */
export class WorkerSettingsError extends Error {
  readonly fields: Record<string, string>
  constructor(fields: Record<string, string>) {
    super(
      `fix these settings: ${Object.entries(fields)
        .map(([k, v]) => `${k}: ${v}`)
        .join('; ')}`
    )
    this.name = 'WorkerSettingsError'
    this.fields = fields
  }
}

const MAX_WINDOWS = 12

/**
 * Checks a partial settings change from the API; unknown keys and bad values are field errors,
 * nothing is applied unless every field is right.
 */
export function parseSettingsPatch(body: unknown): Partial<WorkerSettings> {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new WorkerSettingsError({ '': 'send a JSON object such as {"paused": true}' })
  }
  const fields: Record<string, string> = {}
  const patch: Partial<WorkerSettings> = {}
  for (const [key, value] of Object.entries(body)) {
    switch (key) {
      case 'paused':
        if (typeof value === 'boolean') patch.paused = value
        else fields.paused = 'true or false'
        break
      case 'priceFloorPerUnit':
        if (typeof value === 'string' && /^\d{1,40}$/.test(value)) patch.priceFloorPerUnit = value
        else fields.priceFloorPerUnit = 'token base units as a whole-number string, e.g. "1000000000000000"'
        break
      case 'allowedHours':
        if (!Array.isArray(value) || value.length > MAX_WINDOWS || value.some((v) => typeof v !== 'string')) {
          fields.allowedHours = `a list of up to ${MAX_WINDOWS} windows like "22:00-07:00"; empty = always`
          break
        }
        try {
          parseAllowedHours(value as string[])
          patch.allowedHours = value as string[]
        } catch (err) {
          fields.allowedHours = describeError(err)
        }
        break
      case 'markupPercent':
        if (typeof value === 'number' && Number.isFinite(value) && value >= 0 && value <= 1000)
          patch.markupPercent = value
        else fields.markupPercent = 'a number from 0 to 1000'
        break
      default:
        fields[key] = `unknown setting; these can change: ${SETTING_KEYS.join(', ')}`
    }
  }
  if (Object.keys(fields).length > 0) throw new WorkerSettingsError(fields)
  return patch
}

export function settingsOf(config: NodeConfig['worker']): WorkerSettings {
  return {
    paused: config.paused,
    priceFloorPerUnit: config.priceFloorPerUnit,
    allowedHours: [...config.allowedHours],
    markupPercent: config.markupPercent
  }
}

/**
 * Writes the changed settings into `<dataDir>/config.json` (other settings untouched), so the
 * next start keeps them; the write replaces the file in one rename, so a crash leaves the old
 * or the new file, never half of one. Flags and RYNUS_* variables still win at start.
 */
export async function saveSettings(dataDir: string, patch: Partial<WorkerSettings>): Promise<void> {
  const file = configPath(dataDir)
  const current = (await readConfigFile(dataDir)) ?? {}
  const worker = typeof current.worker === 'object' && current.worker !== null ? current.worker : {}
  const next = { ...current, worker: { ...worker, ...patch } }
  const staged = `${file}.${process.pid}.tmp`
  await writeFile(staged, `${JSON.stringify(next, null, 2)}\n`, { mode: 0o600 })
  await rename(staged, file)
}
