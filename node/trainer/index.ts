export {
  type BackendInfo,
  type BackendName,
  type SelectedBackend,
  selectBackend,
  wasmBinariesDir
} from './backend.js'
export type { EpochMetrics, TrainState } from './checkpoint.js'
export { checkpointName, JOB_FILES, MAX_LAYER_UNITS, MAX_MODEL_PARAMS } from './constants.js'
export { parseCsv } from './csv.js'
export {
  classesOf,
  datasetFromNpy,
  holdOut,
  parseCsvDataset,
  rowCount,
  shuffledIndices,
  type TabularDataset,
  toCsv
} from './dataset.js'
export {
  CheckpointError,
  DatasetError,
  TrainCancelledError,
  TrainDivergedError,
  TrainFailedError,
  TrainSpecError,
  TrainTimeoutError,
  TrainWorkerError
} from './errors.js'
export { modelFolderLoader, modelFolderSaver, readModelFiles } from './model-files.js'
export { checkModelTopology, type ModelSummary } from './model-safety.js'
export { type NpyArray, parseNpy } from './npy.js'
export { encodeRows, type PreparedData, prepareTrainingData, type TensorData } from './preprocess.js'
export {
  type DatasetSpec,
  type ModelSpec,
  type Preprocessing,
  type TrainParams,
  trainParamErrors,
  validateTrainParams
} from './spec.js'
export {
  DEFAULT_TRAIN_MEMORY_BYTES,
  MIN_TRAIN_MEMORY_BYTES,
  type TrainEpoch,
  TrainExecutor,
  type TrainExecutorOptions,
  type TrainResult,
  type TrainRunOptions,
  type TrainTask
} from './train-executor.js'
export { type DoneEvent, type EpochEvent, runTraining, type StartEvent, specDigest } from './train-loop.js'
export {
  type ReportedMetrics,
  type Verdict,
  type VerifyInput,
  verificationData,
  verifyModel
} from './verify.js'
export { TOLERANCE } from './verify-metrics.js'
