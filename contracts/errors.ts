import { RynusError } from '../protocols/common/errors.js'

/** The local chain (anvil) could not be started or did not answer. */
export class AnvilError extends RynusError {
  constructor(message: string, options?: ErrorOptions) {
    super(message, 'ERR_ANVIL', options)
  }
}

/** Deploying or wiring the Rynus contracts failed. */
export class DeployError extends RynusError {
  constructor(message: string, options?: ErrorOptions) {
    super(message, 'ERR_CONTRACT_DEPLOY', options)
  }
}
