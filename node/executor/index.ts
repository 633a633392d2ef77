export { type BlenderLine, parseBlenderLine, type RenderProgress } from './blender-progress.js'
export {
  BlenderUnavailableError,
  RenderCancelledError,
  RenderFailedError,
  RenderTaskError,
  RenderTimeoutError
} from './errors.js'
export {
  OUTPUT_FOLDER,
  RenderExecutor,
  type RenderExecutorComponents,
  type RenderExecutorOptions,
  type RenderedFrame,
  type RenderResult,
  type RenderRunOptions
} from './render-executor.js'
export {
  blenderFrameArg,
  type FrameSpec,
  frameList,
  type RenderDevice,
  type RenderEngine,
  type RenderFormat,
  type RenderTask,
  validateRenderTask
} from './render-task.js'
