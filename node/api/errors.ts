import { RynusError } from '../../protocols/common/errors.js'

export class UnauthorizedError extends RynusError {
  constructor() {
    super(
      'missing or wrong API token; send "Authorization: Bearer <token>" with the token from <data dir>/api-token',
      'ERR_UNAUTHORIZED'
    )
  }
}

export class NotFoundError extends RynusError {
  constructor(what: string) {
    super(`${what} not found`, 'ERR_NOT_FOUND')
  }
}

export class BadRequestError extends RynusError {
  readonly fields?: Record<string, string>
  constructor(message: string, fields?: Record<string, string>) {
    super(message, 'ERR_BAD_REQUEST')
    this.fields = fields
  }
}

export class PayloadTooLargeError extends RynusError {
  constructor(limit: number) {
    super(`request body is larger than ${limit} bytes`, 'ERR_PAYLOAD_TOO_LARGE')
  }
}

/** HTTP status for an error code; anything unknown that is a RynusError is the caller's fault (400). */
export const STATUS_BY_CODE: Record<string, number> = {
  ERR_UNAUTHORIZED: 401,
  ERR_NOT_FOUND: 404,
  ERR_ASSET_NOT_FOUND: 404,
  ERR_WATCH_NOT_FOUND: 404,
  ERR_QUOTA_EXCEEDED: 507,
  ERR_GC_BUSY: 409,
  ERR_PAYLOAD_TOO_LARGE: 413,
  ERR_BAD_REQUEST: 400,
  ERR_INSUFFICIENT_BALANCE: 402
}
