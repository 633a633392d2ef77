import { SAMPLE_JOB_ID } from '../market/test-fixtures.js'
import type { JobOffer } from './codec.js'

/** Test support: a well-formed render offer, valid for ten minutes from `now`. */
export function sampleOffer(overrides: Partial<JobOffer> = {}, now = Date.now()): JobOffer {
  return {
    jobId: SAMPLE_JOB_ID,
    kind: 'render',
    requirements: {
      capabilities: ['render:blender-3.4:cycles-cpu'],
      minVramBytes: 0,
      gpuVendor: '',
      gpuModel: ''
    },
    maxPricePerUnit: 5n * 10n ** 16n,
    units: 24,
    createdAt: now,
    expiresAt: now + 10 * 60_000,
    chainJobId: 0n,
    ...overrides
  }
}
