import { FieldErrors } from '../../scheduler/spec/field-checks.js'
import { TrainSpecError } from './errors.js'
import { checkModelTopology, type ModelSummary } from './model-safety.js'
import type { ModelSpec, TemplateModelSpec } from './spec.js'

type LayerJson = { class_name: string; config: Record<string, unknown> }

/** A model ready to build: its checked topology and the per-sample input shape rows are reshaped to. */
export interface ResolvedModel {
  topology: Record<string, unknown>
  summary: ModelSummary
}

const DEFAULT_HIDDEN: Record<TemplateModelSpec['name'], number[]> = {
  mlp: [64, 32],
  'cnn-small': [64],
  'lstm-small': [32]
}

function layer(className: string, name: string, config: Record<string, unknown>): LayerJson {
  return { class_name: className, config: { name, ...config } }
}

function withDropout(layers: LayerJson[], rate: number | undefined, name: string): LayerJson[] {
  return rate !== undefined && rate > 0 ? [...layers, layer('Dropout', name, { rate })] : layers
}

function templateLayers(spec: TemplateModelSpec, input: number[], classes: number): LayerJson[] {
  const hidden = spec.hidden ?? DEFAULT_HIDDEN[spec.name]
  const first = { batch_input_shape: [null, ...input] }
  const out = layer('Dense', 'output', { units: classes, activation: 'softmax' })
  if (spec.name === 'mlp') {
    const layers = hidden.flatMap((units, i) =>
      withDropout(
        [layer('Dense', `dense_${i + 1}`, { units, activation: 'relu', ...(i === 0 && first) })],
        spec.dropout,
        `dropout_${i + 1}`
      )
    )
    return [...layers, out]
  }
  if (spec.name === 'lstm-small') {
    return [
      ...withDropout([layer('LSTM', 'lstm_1', { units: hidden[0], ...first })], spec.dropout, 'dropout_1'),
      out
    ]
  }
  const convs = (spec.filters ?? [16, 32]).flatMap((filters, i) => [
    layer('Conv2D', `conv_${i + 1}`, {
      filters,
      kernel_size: 3,
      padding: 'same',
      activation: 'relu',
      ...(i === 0 && first)
    }),
    layer('MaxPooling2D', `pool_${i + 1}`, { pool_size: 2, padding: 'same' })
  ])
  const dense = hidden.flatMap((units, i) =>
    withDropout(
      [layer('Dense', `dense_${i + 1}`, { units, activation: 'relu' })],
      spec.dropout,
      `dropout_${i + 1}`
    )
  )
  return [...convs, layer('Flatten', 'flatten', {}), ...dense, out]
}

/** The per-sample input shape rows of `featureCount` values take for this model. */
function inputShapeOf(spec: ModelSpec, featureCount: number): number[] {
  if (spec.kind === 'template') {
    return spec.inputShape ?? (spec.name === 'lstm-small' ? [featureCount, 1] : [featureCount])
  }
  const model = (spec.topology.model_config ?? spec.topology) as Record<string, unknown>
  const config = model.config as Record<string, unknown> | unknown[]
  const layers = (Array.isArray(config) ? config : config.layers) as { config?: Record<string, unknown> }[]
  const first = layers[0]?.config ?? {}
  const batch = (first.batch_input_shape ?? first.batchInputShape) as number[] | undefined
  const plain = (first.input_shape ?? first.inputShape) as number[] | undefined
  return batch?.slice(1) ?? plain ?? [featureCount]
}

/**
 * Turns the job's model (a template or a checked topology) into the topology to build for data
 * with `featureCount` features and `classCount` classes, and checks it again with the data's
 * shape: input size = feature count, output units = class count, all safety caps. Throws
 * TrainSpecError.
 */
export function resolveModel(spec: ModelSpec, featureCount: number, classCount: number): ResolvedModel {
  const input = inputShapeOf(spec, featureCount)
  const errors = new FieldErrors()
  const size = input.reduce((a, b) => a * b, 1)
  if (size !== featureCount) {
    const field = spec.kind === 'template' ? 'model.inputShape' : 'model.topology'
    throw new TrainSpecError({
      [field]: `the model takes ${size} values per sample ([${input.join(', ')}]) but the dataset has ${featureCount} features`
    })
  }
  const topology =
    spec.kind === 'layers'
      ? spec.topology
      : {
          class_name: 'Sequential',
          config: {
            name: `rynus_${spec.name.replace('-', '_')}`,
            layers: templateLayers(spec, input, classCount)
          }
        }
  const summary = checkModelTopology(
    errors,
    spec.kind === 'layers' ? 'model.topology' : 'model',
    topology,
    input
  )
  if (summary === undefined) throw new TrainSpecError(errors.fields)
  const outUnits = summary.outputShape.at(-1)
  if (summary.outputShape.length !== 1 || outUnits !== classCount) {
    throw new TrainSpecError({
      'model.topology': `the model outputs [${summary.outputShape.join(', ')}] per sample but the dataset has ${classCount} classes; end with a Dense layer of ${classCount} units`
    })
  }
  return { topology, summary }
}
