import type { Award, Bid } from './codec.js'

/** Test support: well-formed sample messages (a real CIDv1 of a JSON job spec). */
export const SAMPLE_JOB_ID = 'bagaaieraslpjdrpnl4cyzxqwnldblfqrvqfcpcdf6hkzjbieislr7wtgkvlq'

export function sampleBid(overrides: Partial<Bid> = {}): Bid {
  return {
    jobId: SAMPLE_JOB_ID,
    pricePerUnit: 12_000_000_000_000_000n,
    etaSecondsPerUnit: 4.5,
    gpuModel: 'NVIDIA H100 80GB HBM3',
    vramBytes: 85_520_809_984,
    freeSlots: 2,
    tier: 'global',
    createdAt: Date.now(),
    ...overrides
  }
}

export function sampleAward(overrides: Partial<Award> = {}): Award {
  const now = Date.now()
  return {
    jobId: SAMPLE_JOB_ID,
    taskId: 'task-0',
    frames: [1, 2, 3, 4, 5, 6],
    pricePerUnit: 10n ** 16n,
    deadline: now + 3_600_000,
    chainTaskId: (1n << 200n) + 7n,
    createdAt: now,
    ...overrides
  }
}
