import { UsageError } from './args.js'

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
