import { CID } from 'multiformats/cid'
import * as raw from 'multiformats/codecs/raw'
import { sha256 } from 'multiformats/hashes/sha2'
import { SAMPLE_JOB_ID } from '../market/test-fixtures.js'
import type { TaskResult } from './codec.js'

/** Test support: a successful result with real CIDs of the (fake) frame bytes. */
export async function sampleResult(
  frames = [1, 2, 3],
  overrides: Partial<TaskResult> = {}
): Promise<TaskResult> {
  const outputs = []
  for (const frame of frames) {
    const bytes = new TextEncoder().encode(`frame ${frame}`)
    outputs.push({
      frame,
      cid: CID.create(1, raw.code, await sha256.digest(bytes)).toString(),
      bytes: bytes.byteLength
    })
  }
  return { jobId: SAMPLE_JOB_ID, taskId: 'task-0', outputs, error: '', createdAt: Date.now(), ...overrides }
}
