import { RynusError } from '../common/errors.js'

/** A job message (progress, heartbeat, result, cancel or ack) is malformed or out of limits. */
export class JobMessageError extends RynusError {
  constructor(message: string) {
    super(message, 'ERR_JOB_MESSAGE')
  }
}
