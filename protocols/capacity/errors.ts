import { RynusError } from '../common/errors.js'

/** A capacity record is malformed, out of limits, or claims things that do not add up. */
export class CapacityRecordError extends RynusError {
  constructor(message: string) {
    super(message, 'ERR_CAPACITY_RECORD')
  }
}

/** A capability key is not a short lowercase key like `render` or `gpu:nvidia-h100-80gb-hbm3`. */
export class CapabilityKeyError extends RynusError {
  constructor(message: string) {
    super(message, 'ERR_CAPABILITY_KEY')
  }
}
