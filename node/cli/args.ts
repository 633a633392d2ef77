import { homedir } from 'node:os'
import { join, resolve } from 'node:path'
import { parseArgs } from 'node:util'
import { RynusError } from '../../protocols/common/errors.js'
import { SETTINGS } from '../config/settings.js'

export class UsageError extends RynusError {
  constructor(message: string) {
    super(message, 'ERR_USAGE')
  }
}

export type Flags = Record<string, string | boolean | undefined>

type OptionSpec = { type: 'string' | 'boolean'; short?: string }

export const COMMON_OPTIONS: Record<string, OptionSpec> = {
  'data-dir': { type: 'string' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' }
}

/** Every config setting as a `--flag <value>`. */
export const SETTING_OPTIONS: Record<string, OptionSpec> = Object.fromEntries(
  SETTINGS.map((s) => [s.flag, { type: 'string' as const }])
)

export function parseCommandArgs(
  argv: string[],
  options: Record<string, OptionSpec>,
  allowPositionals = false
): { flags: Flags; positionals: string[] } {
  try {
    const { values, positionals } = parseArgs({
      args: argv,
      options: { ...COMMON_OPTIONS, ...options },
      allowPositionals,
      strict: true
    })
    return { flags: values as Flags, positionals }
  } catch (err) {
    throw new UsageError(`${(err as Error).message.split('\n')[0]}; see --help`)
  }
}

/** --data-dir, else RYNUS_DATA_DIR, else ~/.rynus. */
export function dataDirFrom(flags: Flags): string {
  const flag = flags['data-dir']
  if (typeof flag === 'string' && flag !== '') return resolve(flag)
  const env = process.env.RYNUS_DATA_DIR
  if (env !== undefined && env !== '') return resolve(env)
  return join(homedir(), '.rynus')
}

export function settingsHelp(): string {
  return SETTINGS.map((s) => `  --${s.flag.padEnd(24)} ${s.describe.padEnd(34)} env ${s.env}`).join('\n')
}
