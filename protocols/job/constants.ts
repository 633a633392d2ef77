import { MAX_AWARD_FRAMES } from '../market/constants.js'

/** Progress, heartbeats, results and cancels for awarded tasks, one message per stream. */
export const JOB_PROTOCOL = '/rynus/job/1.0.0'

/** Largest message or ack on the wire (a result of MAX_RESULT_OUTPUTS outputs fits). */
export const MAX_JOB_MESSAGE_BYTES = 512 * 1024
/** Most outputs one result may list: one per awarded frame. */
export const MAX_RESULT_OUTPUTS = MAX_AWARD_FRAMES
/** Longest error text in a failed result (Blender's last lines). */
export const MAX_RESULT_ERROR_LENGTH = 4096
/** Largest output file a result may claim (1 TiB). */
export const MAX_OUTPUT_BYTES = 1024 ** 4
/** Most samples per frame (Cycles' own limit is 2^24). */
export const MAX_SAMPLES = 2 ** 24

/** How long the receiver waits for the whole message after the stream opens. */
export const JOB_READ_TIMEOUT_MS = 10_000
/** How long a hook may take to answer before the stream is dropped. */
export const JOB_HANDLER_TIMEOUT_MS = 10_000
/** How long the sender waits for dial + message + ack in all. */
export const JOB_REQUEST_TIMEOUT_MS = 20_000

/** Concurrent job streams per connection, each way. */
export const JOB_MAX_INBOUND_STREAMS = 16
export const JOB_MAX_OUTBOUND_STREAMS = 16
/** Messages one peer may send per minute (progress is throttled by the sender to ~1/s per task). */
export const JOB_MESSAGES_PER_PEER_PER_MINUTE = 1200

/** How far in the future a result's timestamp may be, for clock skew. */
export const MAX_CLOCK_SKEW_MS = 60_000

/** Domain separation for result signatures. */
export const RESULT_SIGNING_DOMAIN = 'rynus-job:result:'
