import { RynusError } from '../../protocols/common/errors.js'

/** A string that should be a CID is not one. */
export class InvalidCidError extends RynusError {
  constructor(value: string, options?: ErrorOptions) {
    const shown = value.length > 80 ? `${value.slice(0, 80)}…` : value
    super(
      `"${shown}" is not a valid CID; copy the whole content id (it starts with "bafy" or "Qm") ` +
        'from the asset or job listing',
      'ERR_INVALID_CID',
      options
    )
  }
}

/** A local file or folder to import does not exist. */
export class PathNotFoundError extends RynusError {
  constructor(path: string, options?: ErrorOptions) {
    super(
      `no file or folder at ${path}; check the path (relative paths start at the node's working directory)`,
      'ERR_PATH_NOT_FOUND',
      options
    )
  }
}

/** A local file exists but cannot be read (permissions, I/O error, unsupported kind). */
export class FileUnreadableError extends RynusError {
  constructor(path: string, reason: string, options?: ErrorOptions) {
    super(`cannot read ${path}: ${reason}`, 'ERR_FILE_UNREADABLE', options)
  }
}

/** A file was expected (local path or CID) but a folder or something else was found. */
export class NotAFileError extends RynusError {
  constructor(what: string, hint: string) {
    super(`${what} is not a file; ${hint}`, 'ERR_NOT_A_FILE')
  }
}

/** A folder was expected (local path or CID) but something else was found. */
export class NotADirectoryError extends RynusError {
  constructor(what: string, hint: string) {
    super(`${what} is not a folder; ${hint}`, 'ERR_NOT_A_DIRECTORY')
  }
}

/** No provider delivered the data in time. */
export class FetchTimeoutError extends RynusError {
  readonly cid: string

  constructor(cid: string, timeoutMs: number) {
    super(
      `fetching ${cid} timed out: no provider sent any data for ${timeoutMs >= 1000 ? `${timeoutMs / 1000} s` : `${timeoutMs} ms`}; ` +
        'check that a node holding it is online and connected (or reachable through the DHT), then retry',
      'ERR_FETCH_TIMEOUT'
    )
    this.cid = cid
  }
}

/** Fetched data names an entry that must not be written (path traversal, links). */
export class UnsafePathError extends RynusError {
  constructor(cid: string, name: string, reason: string) {
    super(
      `folder ${cid} has an entry ${JSON.stringify(name.slice(0, 80))} that Rynus will not write: ${reason}`,
      'ERR_UNSAFE_PATH'
    )
  }
}

/** An export's destination cannot be written. */
export class DestinationError extends RynusError {
  constructor(path: string, reason: string, options?: ErrorOptions) {
    super(`cannot write ${path}: ${reason}`, 'ERR_DESTINATION', options)
  }
}

/** Offline export of data this node does not fully hold. */
export class NotStoredLocallyError extends RynusError {
  constructor(cid: string, options?: ErrorOptions) {
    super(
      `${cid} is not fully stored on this node; fetch it from the network first`,
      'ERR_NOT_STORED_LOCALLY',
      options
    )
  }
}

/** Content-defined chunker bounds that cannot work (a programming error, not user input). */
export class ChunkerOptionsError extends RynusError {
  constructor(detail: string) {
    super(`invalid content-defined chunker bounds (${detail})`, 'ERR_CHUNKER_OPTIONS')
  }
}
