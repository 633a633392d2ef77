export type {
  JobLogEntry,
  JobRecord,
  NewJobLogEntry,
  StoredBid,
  TaskOutput,
  TaskRecord
} from './job-records.js'
export { JobRepository, type JobSnapshot, type JobWrite, type WriteOptions } from './job-repository.js'
export { SUBLEVELS } from './keys.js'
export { type PeerUsage, type PinRecord, PinRepository } from './pin-repository.js'
export { SerialQueue } from './serial-queue.js'
