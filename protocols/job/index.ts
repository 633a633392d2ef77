/**
 * `/rynus/job/1.0.0`: progress, heartbeats, signed results and cancels for awarded tasks, one
 * message per stream, each answered by an ack.
 */
import { JobChannel, type JobChannelComponents, type JobChannelOptions } from './job.js'

export {
  type Ack,
  type Cancel,
  decodeResult,
  encodeResult,
  type Heartbeat,
  type Progress,
  type TaskOutput,
  type TaskResult,
  validateCancel,
  validateProgress,
  validateResult
} from './codec.js'
export * from './constants.js'
export * from './errors.js'
export {
  type CancelHandler,
  type HeartbeatHandler,
  JobChannel,
  type JobChannelComponents,
  type JobChannelOptions,
  type ProgressHandler,
  type ResultHandler,
  type SendOptions
} from './job.js'

/** Builds the job channel; `node/` starts and stops it with the node. */
export function createJobChannel(opts: JobChannelOptions, components: JobChannelComponents): JobChannel {
  return new JobChannel(opts, components)
}
