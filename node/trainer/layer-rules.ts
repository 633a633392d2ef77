import { MAX_INPUT_DIM, MAX_LAYER_UNITS } from './constants.js'

/** What one layer does to the per-sample shape, and how many weights it holds. */
export interface LayerEffect {
  out: number[]
  params: number
}

/**
 * Reads a layer's config the way tfjs does: tfjs accepts both `snake_case` (Keras JSON) and
 * `camelCase` keys, so a size must be checked under both names, and a config that gives both
 * spellings is refused (which one tfjs would use depends on key order).
 */
export class LayerConfig {
  constructor(
    readonly className: string,
    private readonly cfg: Record<string, unknown>,
    private readonly report: (key: string, problem: string) => void
  ) {}

  get(snake: string): unknown {
    const camel = snake.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase())
    if (camel !== snake && snake in this.cfg && camel in this.cfg) {
      this.report(snake, `is given twice (${snake} and ${camel}); keep one`)
      throw new LayerRejected()
    }
    return this.cfg[snake] ?? this.cfg[camel]
  }

  /** A whole number in [min, max]; `fallback` when absent. */
  int(snake: string, min: number, max: number, fallback?: number): number {
    const value = this.get(snake) ?? fallback
    if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min || value > max) {
      this.report(
        snake,
        `${snake} of a ${this.className} layer must be a whole number from ${min} to ${max}, not ${String(value)}`
      )
      throw new LayerRejected()
    }
    return value
  }

  /** An int or a list of `n` ints (kernel sizes, strides), each in [1, max]. */
  ints(snake: string, n: number, max: number, fallback?: number[]): number[] {
    const value = this.get(snake) ?? fallback
    const list = typeof value === 'number' ? new Array<number>(n).fill(value) : value
    if (
      !Array.isArray(list) ||
      list.length !== n ||
      list.some((v) => typeof v !== 'number' || !Number.isSafeInteger(v) || v < 1 || v > max)
    ) {
      this.report(snake, `give a whole number or a list of ${n} whole numbers from 1 to ${max}`)
      throw new LayerRejected()
    }
    return list as number[]
  }

  oneOf<T extends string>(snake: string, allowed: readonly T[], fallback: T): T {
    const value = this.get(snake) ?? fallback
    if (typeof value !== 'string' || !allowed.includes(value as T)) {
      this.report(snake, `give one of ${allowed.join(', ')}`)
      throw new LayerRejected()
    }
    return value as T
  }

  bool(snake: string, fallback: boolean): boolean {
    const value = this.get(snake) ?? fallback
    if (typeof value !== 'boolean') {
      this.report(snake, 'give true or false')
      throw new LayerRejected()
    }
    return value
  }

  fail(key: string, problem: string): never {
    this.report(key, problem)
    throw new LayerRejected()
  }
}

/** Thrown inside a rule after the problem was reported; ends the walk of that model. */
export class LayerRejected extends Error {}

type Rule = (shape: number[], c: LayerConfig) => LayerEffect

const product = (dims: readonly number[]): number => dims.reduce((a, b) => a * b, 1)
const same: Rule = (shape) => ({ out: shape, params: 0 })

function needRank(shape: number[], c: LayerConfig, rank: number, what: string): void {
  if (shape.length !== rank) {
    c.fail('class_name', `a ${c.className} layer needs ${what} input, got shape [${shape.join(', ')}]`)
  }
}

/** tfjs convOutputLength: output length of a convolution or pooling window along one axis. */
function windowOut(c: LayerConfig, length: number, size: number, stride: number, padding: string, dil = 1) {
  const span = size + (size - 1) * (dil - 1)
  const covered = padding === 'valid' ? length - span + 1 : length
  const out = Math.floor((covered + stride - 1) / stride)
  if (out < 1) c.fail('kernel_size', `the window (${span}) is larger than the input (${length}); shrink it`)
  return out
}

function conv(rank: 1 | 2): Rule {
  return (shape, c) => {
    needRank(shape, c, rank + 1, rank === 1 ? '[steps, channels]' : '[height, width, channels]')
    const filters = c.int('filters', 1, MAX_LAYER_UNITS)
    const kernel = c.ints('kernel_size', rank, 1024)
    const strides = c.ints('strides', rank, 1024, new Array(rank).fill(1))
    const dilation = c.ints('dilation_rate', rank, 1024, new Array(rank).fill(1))
    const padding = c.oneOf('padding', rank === 1 ? ['valid', 'same', 'causal'] : ['valid', 'same'], 'valid')
    const first = rank === 2 && c.oneOf('data_format', ['channels_last', 'channels_first'], 'channels_last')
    const channelsFirst = first === 'channels_first'
    const channels = channelsFirst ? shape[0]! : shape[rank]!
    const spatial = channelsFirst ? shape.slice(1) : shape.slice(0, rank)
    const outSpatial = spatial.map((len, i) =>
      windowOut(c, len, kernel[i]!, strides[i]!, padding, dilation[i])
    )
    const bias = c.bool('use_bias', true) ? filters : 0
    return {
      out: channelsFirst ? [filters, ...outSpatial] : [...outSpatial, filters],
      params: product(kernel) * channels * filters + bias
    }
  }
}

function pool(rank: 1 | 2): Rule {
  return (shape, c) => {
    needRank(shape, c, rank + 1, rank === 1 ? '[steps, channels]' : '[height, width, channels]')
    const size = c.ints('pool_size', rank, 1024, new Array(rank).fill(2))
    const strides = c.ints('strides', rank, 1024, size)
    const padding = c.oneOf('padding', ['valid', 'same'], 'valid')
    const first = rank === 2 && c.oneOf('data_format', ['channels_last', 'channels_first'], 'channels_last')
    const channelsFirst = first === 'channels_first'
    const spatial = channelsFirst ? shape.slice(1) : shape.slice(0, rank)
    const outSpatial = spatial.map((len, i) => windowOut(c, len, size[i]!, strides[i]!, padding))
    const channels = channelsFirst ? shape[0]! : shape[rank]!
    return { out: channelsFirst ? [channels, ...outSpatial] : [...outSpatial, channels], params: 0 }
  }
}

function globalPool(rank: 1 | 2): Rule {
  return (shape, c) => {
    needRank(shape, c, rank + 1, rank === 1 ? '[steps, channels]' : '[height, width, channels]')
    const first = rank === 2 && c.oneOf('data_format', ['channels_last', 'channels_first'], 'channels_last')
    return { out: [first === 'channels_first' ? shape[0]! : shape[rank]!], params: 0 }
  }
}

/** Recurrent layers: weights per gate = input kernel + recurrent kernel + bias. */
function recurrent(gates: number): Rule {
  return (shape, c) => {
    needRank(shape, c, 2, '[timesteps, features]')
    const units = c.int('units', 1, MAX_LAYER_UNITS)
    const bias = c.bool('use_bias', true) ? units : 0
    const sequences = c.bool('return_sequences', false)
    return {
      out: sequences ? [shape[0]!, units] : [units],
      params: gates * (shape[1]! * units + units * units + bias)
    }
  }
}

const dense: Rule = (shape, c) => {
  if (shape.length < 1) c.fail('class_name', 'a Dense layer needs at least one input dimension')
  const units = c.int('units', 1, MAX_LAYER_UNITS)
  const bias = c.bool('use_bias', true) ? units : 0
  return { out: [...shape.slice(0, -1), units], params: shape.at(-1)! * units + bias }
}

/** Size of the axis a normalization layer works on; tfjs counts the batch as axis 0. */
function normalizedSize(shape: number[], c: LayerConfig): number {
  const axis = c.int('axis', -shape.length, shape.length, -1)
  if (axis === 0) c.fail('axis', 'axis 0 is the batch; give -1 (the last axis) or another feature axis')
  return axis < 0 ? shape.at(axis)! : shape[axis - 1]!
}

const reshape: Rule = (shape, c) => {
  const target = c.get('target_shape')
  const size = product(shape)
  if (!Array.isArray(target) || target.length === 0 || target.length > 8) {
    return c.fail('target_shape', 'give a list of 1 to 8 dimensions')
  }
  const unknown = target.filter((d) => d === -1).length
  if (unknown > 1 || target.some((d) => d !== -1 && (!Number.isSafeInteger(d) || d < 1))) {
    return c.fail('target_shape', 'give positive whole numbers, with at most one -1')
  }
  const known = product(target.filter((d) => d !== -1))
  const out = target.map((d) => (d === -1 ? size / known : d))
  if (product(out) !== size || !out.every(Number.isSafeInteger)) {
    return c.fail('target_shape', `[${target.join(', ')}] does not hold the ${size} values of its input`)
  }
  return { out, params: 0 }
}

/** The layer classes a model may use, with their shape and parameter rules. Everything else is refused. */
export const LAYER_RULES: Readonly<Record<string, Rule>> = {
  Dense: dense,
  Dropout: same,
  SpatialDropout1D: same,
  GaussianNoise: same,
  GaussianDropout: same,
  AlphaDropout: same,
  Activation: same,
  ReLU: same,
  LeakyReLU: same,
  ELU: same,
  Softmax: same,
  ThresholdedReLU: same,
  Masking: same,
  Flatten: (shape) => ({ out: [product(shape)], params: 0 }),
  Reshape: reshape,
  RepeatVector: (shape, c) => {
    needRank(shape, c, 1, 'a flat')
    return { out: [c.int('n', 1, MAX_INPUT_DIM), shape[0]!], params: 0 }
  },
  BatchNormalization: (shape, c) => ({ out: shape, params: 4 * normalizedSize(shape, c) }),
  LayerNormalization: (shape, c) => ({ out: shape, params: 2 * normalizedSize(shape, c) }),
  Conv1D: conv(1),
  Conv2D: conv(2),
  MaxPooling1D: pool(1),
  AveragePooling1D: pool(1),
  MaxPooling2D: pool(2),
  AveragePooling2D: pool(2),
  GlobalAveragePooling1D: globalPool(1),
  GlobalMaxPooling1D: globalPool(1),
  GlobalAveragePooling2D: globalPool(2),
  GlobalMaxPooling2D: globalPool(2),
  SimpleRNN: recurrent(1),
  GRU: recurrent(3),
  LSTM: recurrent(4),
  Embedding: (shape, c) => {
    needRank(shape, c, 1, '[sequence length]')
    const inputDim = c.int('input_dim', 1, MAX_INPUT_DIM)
    const outputDim = c.int('output_dim', 1, MAX_LAYER_UNITS)
    return { out: [shape[0]!, outputDim], params: inputDim * outputDim }
  }
}

/** Layer classes that wrap one inner layer config under `layer`. */
export const WRAPPER_CLASSES = ['Bidirectional', 'TimeDistributed'] as const

/** Classes that are whole models; only Sequential may appear (nested models are walked too). */
export const MODEL_CLASSES = ['Sequential'] as const
