/**
 * Signed, expiring, per-peer records in the Rynus DHT (`/rynus/<kind>/<peer id>`), used for
 * node profiles and worker capacity. The kad-dht validator and selector live here.
 */
import { RECORD_NAMESPACE } from './constants.js'
import { selectNewest, verifyRecord } from './record.js'

export * from './constants.js'
export * from './errors.js'
export { parseRecordKey, recordKey, SignedRecord, selectNewest, signRecord, verifyRecord } from './record.js'

/** Plug-ins for `kadDHT({ validators, selectors })`. */
export const dhtRecordValidators = {
  [RECORD_NAMESPACE]: async (key: Uint8Array, value: Uint8Array): Promise<void> => {
    await verifyRecord(key, value)
  }
}

export const dhtRecordSelectors = {
  [RECORD_NAMESPACE]: selectNewest
}
