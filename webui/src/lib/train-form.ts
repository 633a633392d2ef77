// The GPU for AI form: what a person types → the submission the API takes, with errors on the API's field paths;
// the dataset's columns from its header line; and the per-epoch curves the job page draws.
import type { ChartSeries } from './chart.js'
import { parseTokens } from './tokens.js'
import type { TrainEpochView, TrainSubmission, TrainTemplate } from './types.js'

export interface TrainForm {
  dataset: { cid: string; name: string } | null
  labelColumn: string
  modelKind: 'template' | 'layers'
  template: TrainTemplate
  /** Hidden layer sizes, comma-separated, e.g. `32, 16`. */
  hidden: string
  /** A tfjs layers topology (JSON) when modelKind is `layers`. */
  topology: string
  epochs: string
  batchSize: string
  learningRate: string
  optimizer: string
  heldOutPercent: string
  maxPrice: string
  budget: string
}

export type TrainBuild =
  | { ok: true; submission: TrainSubmission }
  | { ok: false; errors: Record<string, string> }

const whole = (text: string, min: number, max: number): number | null => {
  const n = Number(text.trim())
  return text.trim() !== '' && Number.isInteger(n) && n >= min && n <= max ? n : null
}

export function buildTrainSubmission(form: TrainForm): TrainBuild {
  const errors: Record<string, string> = {}
  if (form.dataset === null) errors.dataset = 'Upload a CSV file with a header row'
  if (form.labelColumn.trim() === '') errors.labelColumn = 'Choose the column that holds the label'
  const epochs = whole(form.epochs, 1, 1000)
  if (epochs === null) errors.epochs = 'A whole number of epochs from 1 to 1000'
  const batchSize = whole(form.batchSize, 1, 4096)
  if (batchSize === null) errors.batchSize = 'A whole number from 1 to 4096'
  const learningRate = Number(form.learningRate.trim())
  if (!(learningRate > 0 && learningRate <= 10)) errors.learningRate = 'A number above 0, e.g. 0.01'
  const heldOut = Number(form.heldOutPercent.trim())
  if (!(heldOut >= 5 && heldOut <= 50))
    errors['heldOut.fraction'] = 'Keep back between 5 and 50 % of the rows'
  const price = parseTokens(form.maxPrice)
  if (!price.ok) errors.maxPricePerUnit = price.message
  else if (price.baseUnits === 0n) errors.maxPricePerUnit = 'Offer more than 0 per epoch'
  let budget: bigint | undefined
  if (form.budget.trim() !== '') {
    const b = parseTokens(form.budget)
    if (!b.ok) errors.budget = b.message
    else budget = b.baseUnits
  }
  if (price.ok && budget !== undefined && epochs !== null && budget < price.baseUnits * BigInt(epochs)) {
    errors.budget = 'The budget must cover every epoch at the max price, or leave it empty'
  }
  let model: TrainSubmission['model']
  if (form.modelKind === 'template') {
    const sizes = form.hidden
      .split(',')
      .map((h) => h.trim())
      .filter((h) => h !== '')
      .map(Number)
    if (sizes.length > 4 || sizes.some((n) => !Number.isInteger(n) || n < 1 || n > 4096)) {
      errors['model.hidden'] = 'Up to 4 layer sizes from 1 to 4096, e.g. 32, 16'
    }
    model = { kind: 'template', name: form.template, ...(sizes.length > 0 && { hidden: sizes }) }
  } else {
    try {
      const topology = JSON.parse(form.topology) as unknown
      if (typeof topology !== 'object' || topology === null || Array.isArray(topology)) throw new Error()
      model = { kind: 'layers', topology: topology as Record<string, unknown> }
    } catch {
      errors['model.topology'] = 'Paste a tfjs layers model as JSON (model.toJSON(null, false))'
    }
  }
  if (
    Object.keys(errors).length > 0 ||
    form.dataset === null ||
    !price.ok ||
    epochs === null ||
    batchSize === null
  ) {
    return { ok: false, errors }
  }
  return {
    ok: true,
    submission: {
      dataset: form.dataset,
      labelColumn: form.labelColumn.trim(),
      model,
      epochs,
      batchSize,
      optimizer: form.optimizer,
      learningRate,
      heldOut: { fraction: heldOut / 100 },
      maxPricePerUnit: price.baseUnits.toString(),
      ...(budget !== undefined && { budget: budget.toString() })
    }
  }
}

/** Column names from a CSV's first line (quotes removed); empty for something that is not a header. */
export function csvColumns(text: string): string[] {
  const first = text.split(/\r?\n/, 1)[0] ?? ''
  const columns = first.split(',').map((c) => c.trim().replace(/^"(.*)"$/, '$1'))
  return columns.length >= 2 && columns.every((c) => c !== '') ? columns : []
}

/** Loss curves (training and validation) and accuracy curves per epoch. */
export function trainCurves(epochs: readonly TrainEpochView[]): {
  loss: ChartSeries[]
  accuracy: ChartSeries[]
} {
  const pick = (read: (e: TrainEpochView) => number | null) => epochs.map((e) => [e.epoch, read(e)] as const)
  return {
    loss: [
      { label: 'loss', color: 'stroke-indigo-500', points: pick((e) => e.loss) },
      { label: 'validation loss', color: 'stroke-amber-500', points: pick((e) => e.valLoss) }
    ],
    accuracy: [
      { label: 'accuracy', color: 'stroke-indigo-500', points: pick((e) => e.acc) },
      { label: 'validation accuracy', color: 'stroke-emerald-500', points: pick((e) => e.valAcc) }
    ]
  }
}
