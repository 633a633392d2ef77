import { RynusError } from '../../protocols/common/errors.js'

/** A configuration value is wrong. The message names the setting, the value and the fix. */
export class ConfigError extends RynusError {
  constructor(message: string) {
    super(message, 'ERR_CONFIG')
  }
}

/** The data dir cannot be created or written. */
export class DataDirError extends RynusError {
  constructor(message: string, options?: ErrorOptions) {
    super(message, 'ERR_DATA_DIR', options)
  }
}

/** A port the node wants to listen on is already taken by another process. */
export class PortInUseError extends RynusError {
  constructor(message: string, options?: ErrorOptions) {
    super(message, 'ERR_PORT_IN_USE', options)
  }
}
