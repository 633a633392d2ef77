import { describe, type FieldErrors, isPlainObject, join } from '../../scheduler/spec/field-checks.js'
import {
  MAX_ACTIVATIONS_PER_SAMPLE,
  MAX_INPUT_DIM,
  MAX_LAYERS,
  MAX_MODEL_PARAMS,
  MAX_NESTING,
  MAX_TOPOLOGY_CHARS
} from './constants.js'
import { LAYER_RULES, LayerConfig, LayerRejected, MODEL_CLASSES, WRAPPER_CLASSES } from './layer-rules.js'

/** What a safe topology adds up to. */
export interface ModelSummary {
  /** Per-sample input shape (without the batch dimension). */
  inputShape: number[]
  /** Per-sample output shape. */
  outputShape: number[]
  /** Weights of all layers, trainable or not. */
  params: number
  /** Layers, nested ones counted in. */
  layers: number
}

const ALLOWED = [...Object.keys(LAYER_RULES), ...WRAPPER_CLASSES, ...MODEL_CLASSES, 'InputLayer']

interface Walk {
  errors: FieldErrors
  params: number
  layers: number
}

function className(value: Record<string, unknown>): unknown {
  return value.class_name ?? value.className
}

/** The per-sample input shape a layer declares (batch_input_shape, input_shape or Dense's input_dim). */
function declaredInput(c: LayerConfig, cls: string): number[] | undefined {
  const batch = c.get('batch_input_shape')
  const plain = c.get('input_shape')
  const dim = cls === 'Dense' ? c.get('input_dim') : undefined
  const shape = Array.isArray(batch)
    ? batch.slice(1)
    : Array.isArray(plain)
      ? plain
      : dim !== undefined
        ? [dim]
        : undefined
  if (batch !== undefined && !Array.isArray(batch)) c.fail('batch_input_shape', 'give a list [null, ...dims]')
  if (plain !== undefined && !Array.isArray(plain)) c.fail('input_shape', 'give a list of dimensions')
  if (shape === undefined) return undefined
  if (
    shape.length === 0 ||
    shape.length > 8 ||
    shape.some((d) => typeof d !== 'number' || !Number.isSafeInteger(d) || d < 1 || d > MAX_INPUT_DIM)
  ) {
    c.fail(
      'batch_input_shape',
      `give 1 to 8 fixed dimensions from 1 to ${MAX_INPUT_DIM} (variable sizes are not accepted), not ${describe(shape)}`
    )
  }
  return shape as number[]
}

function layerList(config: unknown): unknown[] | undefined {
  if (Array.isArray(config)) return config
  if (isPlainObject(config) && Array.isArray(config.layers)) return config.layers
  return undefined
}

/** Walks a Sequential model; returns the output shape or undefined after reporting. */
function walkSequential(
  walk: Walk,
  path: string,
  model: Record<string, unknown>,
  input: number[] | undefined,
  depth: number
): { input: number[]; out: number[] } | undefined {
  if (depth > MAX_NESTING) {
    walk.errors.add(path, `models may nest at most ${MAX_NESTING} deep`)
    return undefined
  }
  const layers = layerList(model.config)
  if (layers === undefined || layers.length === 0) {
    walk.errors.add(join(path, 'config'), 'give the model config with a non-empty list of layers')
    return undefined
  }
  const layersPath = Array.isArray(model.config) ? join(path, 'config') : join(join(path, 'config'), 'layers')
  let shape = input
  let first: number[] | undefined
  for (let i = 0; i < layers.length; i++) {
    const out = walkLayer(walk, join(layersPath, i), layers[i], shape, i === 0, depth)
    if (out === undefined) return undefined
    first ??= out.input
    shape = out.out
  }
  return first !== undefined && shape !== undefined ? { input: first, out: shape } : undefined
}

function walkLayer(
  walk: Walk,
  path: string,
  layer: unknown,
  input: number[] | undefined,
  isFirst: boolean,
  depth: number
): { input: number[]; out: number[] } | undefined {
  const { errors } = walk
  if (!isPlainObject(layer)) {
    errors.add(path, 'give a layer as { "class_name": ..., "config": { ... } }')
    return undefined
  }
  const cls = className(layer)
  if (typeof cls !== 'string' || !ALLOWED.includes(cls)) {
    errors.add(
      join(path, 'class_name'),
      `layer class ${describe(cls)} is not allowed: models are data, so Lambda, custom and unknown layers are refused. ` +
        `Use one of ${ALLOWED.join(', ')}`
    )
    return undefined
  }
  if (++walk.layers > MAX_LAYERS) {
    errors.add(path, `a model may have at most ${MAX_LAYERS} layers`)
    return undefined
  }
  if ((MODEL_CLASSES as readonly string[]).includes(cls))
    return walkSequential(walk, path, layer, input, depth + 1)
  const configPath = join(path, 'config')
  const config = layer.config ?? {}
  if (!isPlainObject(config)) {
    errors.add(configPath, 'give the layer config as an object')
    return undefined
  }
  const c = new LayerConfig(cls, config, (key, problem) => errors.add(join(configPath, key), problem))
  try {
    const declared = declaredInput(c, cls)
    if (cls === 'InputLayer' && (!isFirst || declared === undefined)) {
      c.fail('batch_input_shape', 'an InputLayer must come first and give batch_input_shape')
    }
    if (declared !== undefined && input !== undefined && declared.join() !== input.join()) {
      c.fail(
        'batch_input_shape',
        `declares input [${declared.join(', ')}] but receives [${input.join(', ')}]`
      )
    }
    const shape = declared ?? input
    if (shape === undefined) {
      return c.fail('batch_input_shape', 'the first layer must give its input shape (batch_input_shape)')
    }
    const effect = applyLayer(walk, configPath, cls, shape, c, depth)
    if (effect === undefined) return undefined
    walk.params += effect.params
    if (walk.params > MAX_MODEL_PARAMS) {
      return c.fail(
        'class_name',
        `the model would have more than ${MAX_MODEL_PARAMS} parameters; make it smaller`
      )
    }
    const size = effect.out.reduce((a, b) => a * b, 1)
    if (size > MAX_ACTIVATIONS_PER_SAMPLE) {
      return c.fail(
        'class_name',
        `this layer would output ${size} values per sample (most ${MAX_ACTIVATIONS_PER_SAMPLE})`
      )
    }
    return { input: shape, out: effect.out }
  } catch (err) {
    if (err instanceof LayerRejected) return undefined
    throw err
  }
}

function applyLayer(
  walk: Walk,
  configPath: string,
  cls: string,
  shape: number[],
  c: LayerConfig,
  depth: number
): { out: number[]; params: number } | undefined {
  if (cls === 'InputLayer') return { out: shape, params: 0 }
  const rule = LAYER_RULES[cls]
  if (rule !== undefined) return rule(shape, c)
  // Bidirectional / TimeDistributed: walk the wrapped layer as a nested one
  const innerPath = join(configPath, 'layer')
  const inner = c.get('layer')
  if (cls === 'TimeDistributed') {
    if (shape.length < 2) return c.fail('layer', 'TimeDistributed needs [timesteps, ...] input')
    // the wrapped layer's weights were counted while walking it
    const out = walkLayer(walk, innerPath, inner, shape.slice(1), false, depth + 1)
    return out && { out: [shape[0]!, ...out.out], params: 0 }
  }
  const innerClass = isPlainObject(inner) ? className(inner) : undefined
  if (!['LSTM', 'GRU', 'SimpleRNN'].includes(String(innerClass))) {
    return c.fail('layer', 'Bidirectional wraps one LSTM, GRU or SimpleRNN layer')
  }
  const before = walk.params
  const out = walkLayer(walk, innerPath, inner, shape, false, depth + 1)
  if (out === undefined) return undefined
  const innerParams = walk.params - before
  const merge = c.get('merge_mode') ?? 'concat'
  if (!['concat', 'sum', 'mul', 'ave'].includes(String(merge))) {
    return c.fail('merge_mode', 'give concat, sum, mul or ave')
  }
  const last = out.out.at(-1)!
  // the backward copy has the same weights again
  return { out: [...out.out.slice(0, -1), merge === 'concat' ? 2 * last : last], params: innerParams }
}

/**
 * Checks a tfjs layers topology (what `model.toJSON()` produces, or `modelTopology` of a saved
 * model.json) before anything is built: only allow-listed layer classes, nested models walked,
 * sizes capped, parameters counted from the config. Reports problems under `path` and returns
 * the summary when the model is safe to build. `input` is the data's per-sample shape, when known.
 */
export function checkModelTopology(
  errors: FieldErrors,
  path: string,
  topology: unknown,
  input?: number[]
): ModelSummary | undefined {
  let text: string
  try {
    text = JSON.stringify(topology) ?? ''
  } catch {
    text = ''
  }
  if (text.length === 0 || text.length > MAX_TOPOLOGY_CHARS) {
    errors.add(path, `give the model topology as JSON of at most ${MAX_TOPOLOGY_CHARS} characters`)
    return undefined
  }
  if (!isPlainObject(topology)) {
    errors.add(path, 'give the topology object that model.toJSON() returns')
    return undefined
  }
  // model.json files wrap the topology: { model_config: { class_name, config } }
  const model = isPlainObject(topology.model_config) ? topology.model_config : topology
  const modelPath = model === topology ? path : join(path, 'model_config')
  const cls = className(model)
  if (cls !== 'Sequential') {
    errors.add(
      join(modelPath, 'class_name'),
      `only Sequential models are accepted, not ${describe(cls)}; build the model with tf.sequential()`
    )
    return undefined
  }
  const walk: Walk = { errors, params: 0, layers: 0 }
  const shapes = walkSequential(walk, modelPath, model, input, 0)
  if (shapes === undefined) return undefined
  return { inputShape: shapes.input, outputShape: shapes.out, params: walk.params, layers: walk.layers }
}
