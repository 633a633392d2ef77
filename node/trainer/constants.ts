/** Most trainable + non-trainable parameters a model may have (≈ 200 MB of float32 weights). */
export const MAX_MODEL_PARAMS = 50_000_000

/** Most units/filters of one layer (Dense units, Conv filters, RNN units, Embedding output). */
export const MAX_LAYER_UNITS = 65_536

/** Most values one layer may output per sample (activations are held for the backward pass). */
export const MAX_ACTIVATIONS_PER_SAMPLE = 16_000_000

/** Most layers in one model, nested models counted in. */
export const MAX_LAYERS = 256

/** How deep models may nest (a Sequential inside a Sequential inside …). */
export const MAX_NESTING = 4

/** Largest single dimension of an input shape. */
export const MAX_INPUT_DIM = 1_000_000

/** Largest serialized model topology, in characters of JSON. */
export const MAX_TOPOLOGY_CHARS = 1_000_000

export const MAX_EPOCHS = 10_000
export const MAX_BATCH_SIZE = 65_536
/** Above this every optimizer only diverges; refused before training. */
export const MAX_LEARNING_RATE = 1000
export const MAX_PATIENCE = 1000

/** Tabular datasets: most rows, columns and classes accepted. */
export const MAX_ROWS = 10_000_000
export const MAX_COLUMNS = 100_000
export const MAX_CLASSES = 10_000

/** Image-folder datasets: most images, classes and bytes of one image file. */
export const MAX_IMAGES = 50_000
export const MAX_IMAGE_CLASSES = 1_000
export const MAX_IMAGE_BYTES = 16 * 1024 * 1024
/** Most pixels of one decoded image (checked from its header before anything is allocated). */
export const MAX_IMAGE_PIXELS = 16 * 1024 * 1024
/** Largest height or width images are resized to. */
export const MAX_IMAGE_SIDE = 512
/** Most values (images × height × width × channels) of a whole image dataset in memory. */
export const MAX_IMAGE_DATASET_VALUES = 64 * 1024 * 1024
/** The image shape [height, width, channels] when a submission names none. */
export const DEFAULT_IMAGE_SHAPE: readonly [number, number, number] = [28, 28, 1]

/** Largest model.json / state.json accepted from a checkpoint or a delivered model. */
export const MAX_JSON_BYTES = 16 * 1024 * 1024

/** File names inside the job folder (relative to /job in the sandbox). */
export const JOB_FILES = {
  spec: 'spec.json',
  csv: 'data.csv',
  npyFeatures: 'x.npy',
  npyLabels: 'y.npy',
  images: 'images',
  resume: 'checkpoint',
  checkpoints: 'checkpoints',
  model: 'model',
  metrics: 'metrics.json'
} as const

/** Files of one checkpoint / model folder. */
export const MODEL_JSON = 'model.json'
export const WEIGHTS_BIN = 'weights.bin'
export const STATE_JSON = 'state.json'
export const OPTIMIZER_BIN = 'optimizer.bin'

/** Name of the checkpoint folder written after `epoch` (1-based). */
export function checkpointName(epoch: number): string {
  return `ckpt-${epoch}`
}
