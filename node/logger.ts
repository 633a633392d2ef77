import type { LogFields, Logger, LogLevel } from '../protocols/common/logger.js'

const RANK: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 }

export interface LoggerOptions {
  level: LogLevel
  /** One JSON object per line instead of human-readable text. */
  json: boolean
  /** Where lines go; stderr by default so stdout stays clean for command output. */
  write?: (line: string) => void
}

function fieldText(fields: LogFields): string {
  return Object.entries(fields)
    .map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v, replacer)}`)
    .join(' ')
}

function replacer(_key: string, value: unknown): unknown {
  if (typeof value === 'bigint') return value.toString()
  if (value instanceof Error) return { message: value.message, code: (value as { code?: string }).code }
  return value
}

/** Structured logger: `log.info('job awarded', { jobId, worker })`, child loggers per module. */
export function createLogger(opts: LoggerOptions, module = 'rynus'): Logger {
  const write = opts.write ?? ((line: string) => process.stderr.write(`${line}\n`))
  const min = RANK[opts.level]
  const emit = (level: LogLevel, message: string, fields: LogFields = {}): void => {
    if (RANK[level] < min) return
    const time = new Date().toISOString()
    if (opts.json) {
      write(JSON.stringify({ time, level, module, message, ...fields }, replacer))
    } else {
      const extra = Object.keys(fields).length > 0 ? ` ${fieldText(fields)}` : ''
      write(`${time} ${level.toUpperCase().padEnd(5)} [${module}] ${message}${extra}`)
    }
  }
  return {
    debug: (m, f) => emit('debug', m, f),
    info: (m, f) => emit('info', m, f),
    warn: (m, f) => emit('warn', m, f),
    error: (m, f) => emit('error', m, f),
    child: (name) => createLogger({ ...opts, write }, `${module}:${name}`)
  }
}
