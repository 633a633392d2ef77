import { RynusError } from '../common/errors.js'

/** A DHT record failed validation; it must not be stored or used. */
export class InvalidRecordError extends RynusError {
  constructor(message: string) {
    super(message, 'ERR_INVALID_RECORD')
  }
}
