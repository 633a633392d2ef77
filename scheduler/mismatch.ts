import type { MatchProblem } from './capacity.js'

const GB = 1e9

/** A person-readable line for one worker's mismatch. */
export function describeMismatch(problem: MatchProblem): string {
  switch (problem.code) {
    case 'capability':
      return `lacks capability ${problem.missing.join(', ')}`
    case 'no-gpu':
      return 'has no GPU'
    case 'gpu-vendor':
      return `has no ${problem.vendor} GPU`
    case 'gpu-model':
      return `has no GPU matching "${problem.model}"`
    case 'vram':
      return `has no GPU with ≥ ${formatGb(problem.minBytes)} VRAM (largest ${formatGb(problem.largestBytes)})`
  }
}

/** 24e9 → `24 GB`; 8.5e9 → `8.5 GB`. */
export function formatGb(bytes: number): string {
  return `${Math.round((bytes / GB) * 10) / 10} GB`
}
