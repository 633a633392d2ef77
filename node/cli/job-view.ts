import { createReadStream } from 'node:fs'
import { basename } from 'node:path'
import { apiRequest } from './api-client.js'
import { type Flags, UsageError } from './args.js'
import { parseDuration, parseTokens } from './units.js'

/** A job as the API answers it, as far as the CLI reads it. */
export interface JobView {
  job: {
    id: string
    state: { name: string; reason?: string }
    spec: { render?: { frames: unknown }; maxPricePerUnit: string; budget: string }
    noMatch?: { reasons: string[] }
  }
  tasks: Array<{
    taskId: string
    units: number[]
    state: { name: string; worker?: string }
    progress?: { unitsDone: number; unitsTotal: number }
  }>
  outputs: Record<string, { cid: string; bytes: number }>
  unitsDone: number
  unitsTotal: number
  history: Array<{ at: number; type: string; message: string }>
  train?: {
    epochs: Array<{
      epoch: number
      loss: number | null
      acc: number | null
      valLoss: number | null
      valAcc: number | null
    }>
    verifications: Array<{ accepted: boolean; reason: string }>
    files: string[]
  }
}

export const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined)

export function need(positionals: string[], index: number, what: string): string {
  const v = positionals[index]
  if (v === undefined) throw new UsageError(`missing ${what}; see \`rynus-node job --help\``)
  return v
}

/** Streams a local file into the node's store through the API; its CID, size and name. */
export async function uploadAsset(
  dataDir: string,
  path: string,
  size: number
): Promise<{ cid: string; size: number; name: string }> {
  return apiRequest<{ cid: string; size: number; name: string }>(
    dataDir,
    'POST',
    `/assets?name=${encodeURIComponent(basename(path))}`,
    { stream: createReadStream(path), length: size }
  )
}

/** The money and time flags every job kind takes: --max-price, --budget, --deadline. */
export function paymentFlags(
  flags: Flags,
  maxPrice: string
): { maxPricePerUnit: string; budget?: string; deadlineInMs?: number } {
  return {
    maxPricePerUnit: parseTokens(maxPrice, '--max-price'),
    budget: flags.budget !== undefined ? parseTokens(String(flags.budget), '--budget') : undefined,
    deadlineInMs:
      flags.deadline !== undefined ? parseDuration(String(flags.deadline), '--deadline') : undefined
  }
}
