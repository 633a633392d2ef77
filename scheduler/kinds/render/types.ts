/** The render half of a job spec (`spec.render`); the envelope is in `../../spec/types.ts`. */
export type RenderEngine = 'CYCLES' | 'BLENDER_EEVEE'
export type RenderDevice = 'CPU' | 'CUDA' | 'OPTIX' | 'HIP'
export type RenderFormat = 'PNG' | 'OPEN_EXR' | 'JPEG'

/** An inclusive range, or an ascending list of distinct frame numbers. */
export type FrameSelection = { start: number; end: number } | number[]

export interface RenderInput {
  /** CID of the `.blend` (UnixFS root) in helia. */
  cid: string
  /** File name the worker gives it in the job folder, e.g. `scene.blend`. */
  name: string
  /** Size in bytes, so a worker can refuse what does not fit before fetching. */
  size: number
}

export interface RenderParams {
  input: RenderInput
  frames: FrameSelection
  engine: RenderEngine
  device: RenderDevice
  samples: number
  resolution: { x: number; y: number }
  format: RenderFormat
}

export const RENDER_ENGINES: readonly RenderEngine[] = ['CYCLES', 'BLENDER_EEVEE']
export const RENDER_DEVICES: readonly RenderDevice[] = ['CPU', 'CUDA', 'OPTIX', 'HIP']
export const RENDER_FORMATS: readonly RenderFormat[] = ['PNG', 'OPEN_EXR', 'JPEG']
