export { cidsInSpec, JobDataPins, type RemotePinResult } from './job-data-pins.js'
export { PINS_DIR, type Sharing, type SharingContext, startSharing } from './start-sharing.js'
