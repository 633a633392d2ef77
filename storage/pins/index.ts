export {
  ASSET_PIN_METADATA_KEY,
  holdPin,
  type PinHolder,
  pinHolders,
  REMOTE_PIN_METADATA_KEY,
  releasePin
} from './pin-holders.js'
