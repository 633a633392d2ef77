import type { LossName } from './spec.js'

/**
 * Tolerances of verification.
 *
 * - Recomputed validation metrics (the requester scores the delivered model on the exact
 *   validation rows the worker used) may differ from the reported ones only by float noise:
 *   different backends (wasm/XNNPACK, cpu, tfjs-node) sum in different orders in float32, which
 *   moves a loss by a few 1e-7 relative (measured: trained on cpu, scored on wasm and back,
 *   |difference| ≈ 1e-8 on a loss of 0.04), and can flip the class of a sample that sits on a
 *   decision boundary. Allowed: |loss difference| ≤ 1e-3 + 1e-3 × loss, and accuracy off by at
 *   most 2 samples: thousands of times the float noise, and far below what another model (an
 *   earlier epoch, a different run, an untrained copy) changes.
 * - Held-out accuracy is measured on other rows than the worker's validation accuracy, so the two
 *   differ by the sampling noise of both: the gap may reach 3 standard errors of the difference
 *   of two proportions (pooled, variance at least 1/n) plus 0.02. Only over-claiming counts.
 *   (The error of the held-out estimate alone, taken at the claimed accuracy, was too tight: an
 *   honest model at 0.99 on 96 validation rows and 0.93 on 120 held-out rows was rejected.)
 * - Better than untrained: held-out accuracy above the baseline accuracy (the best of 8 freshly
 *   initialised copies of the architecture, and always answering the majority class) by more
 *   than 2 standard errors, or held-out loss at least 5% below the baseline loss (the best of
 *   the untrained copies, and predicting the class frequencies). Either one is real learning;
 *   requiring both would reject an honest over-fitted model that is accurate but over-confident.
 */
export const TOLERANCE = {
  lossAbsolute: 1e-3,
  lossRelative: 1e-3,
  accuracySamples: 2,
  heldOutSigmas: 3,
  heldOutSlack: 0.02,
  improvementSigmas: 2,
  lossImprovement: 0.05,
  untrainedCopies: 8
} as const

/** Probabilities are clipped like tfjs's cross-entropy does. */
const EPSILON = 1e-7
const clip = (p: number): number => Math.min(1 - EPSILON, Math.max(EPSILON, p))

export interface Scores {
  loss: number
  accuracy: number
}

/**
 * Loss (as tfjs defines `loss`, computed in float64) and accuracy of predicted class
 * probabilities `probs` (rows × classes) against class indices `labels`.
 */
export function scorePredictions(
  probs: Float32Array,
  labels: Int32Array,
  classes: number,
  loss: LossName
): Scores {
  const rows = labels.length
  let total = 0
  let correct = 0
  for (let r = 0; r < rows; r++) {
    const row = probs.subarray(r * classes, (r + 1) * classes)
    const label = labels[r]!
    // sparse cross-entropy clips before normalising (tfjs: clip, then categorical cross-entropy)
    const value = (c: number): number => (loss === 'sparseCategoricalCrossentropy' ? clip(row[c]!) : row[c]!)
    let best = 0
    let sum = 0
    for (let c = 0; c < classes; c++) {
      if (row[c]! > row[best]!) best = c
      sum += value(c)
    }
    if (best === label) correct++
    if (loss === 'meanSquaredError') {
      let squared = 0
      for (let c = 0; c < classes; c++) squared += (row[c]! - (c === label ? 1 : 0)) ** 2
      total += squared / classes
    } else total -= Math.log(clip(value(label) / sum))
  }
  return { loss: total / rows, accuracy: correct / rows }
}

/** Loss and accuracy of always answering with the class frequencies of `labels` (the best input-blind model). */
export function priorScores(labels: Int32Array, classes: number, loss: LossName): Scores {
  const counts = new Array<number>(classes).fill(0)
  for (const label of labels) counts[label]!++
  const freq = counts.map((c) => c / labels.length)
  const probs = new Float32Array(labels.length * classes)
  for (let r = 0; r < labels.length; r++) probs.set(freq, r * classes)
  const scores = scorePredictions(probs, labels, classes, loss)
  return { loss: scores.loss, accuracy: Math.max(...counts) / labels.length }
}

/**
 * How far the held-out accuracy may fall below the validation accuracy by sampling noise alone:
 * the standard error of the difference of two independent accuracy estimates, `valAcc` on
 * `valRows` rows and `heldAcc` on `heldRows` rows, with their pooled variance (at least 1/n).
 */
export function accuracyGapError(valAcc: number, valRows: number, heldAcc: number, heldRows: number): number {
  const rows = valRows + heldRows
  const pooled = (valAcc * valRows + heldAcc * heldRows) / rows
  return Math.sqrt(Math.max(pooled * (1 - pooled), 1 / rows) * (1 / valRows + 1 / heldRows))
}

/** Standard error of an accuracy `p` measured on `n` samples, with variance at least 1/n. */
export function accuracyError(p: number, n: number): number {
  return Math.sqrt(Math.max(p * (1 - p), 1 / n) / n)
}
