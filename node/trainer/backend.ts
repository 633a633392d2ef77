import { existsSync } from 'node:fs'
import { createRequire } from 'node:module'
import { availableParallelism } from 'node:os'
import { dirname, join } from 'node:path'
import type * as tfjs from '@tensorflow/tfjs'

export type Tf = typeof tfjs

/**
 * tfjs, its wasm backend and our extra kernels, loaded on first use: a node that never
 * trains or verifies a model does not carry them (about 40 MB of heap, and a larger heap
 * every garbage collection has to walk).
 */
async function loadTfjs(): Promise<{
  tfjs: Tf
  wasm: typeof import('@tensorflow/tfjs-backend-wasm')
  registerMissingWasmKernels: () => void
}> {
  const [tfjs, wasm, kernels] = await Promise.all([
    import('@tensorflow/tfjs'),
    import('@tensorflow/tfjs-backend-wasm'),
    import('./wasm-kernels.js')
  ])
  return { tfjs, wasm, registerMissingWasmKernels: kernels.registerMissingWasmKernels }
}
export type BackendName = 'tensorflow-gpu' | 'tensorflow' | 'wasm' | 'cpu'

/** Which tfjs backend ran a job, for progress and results. */
export interface BackendInfo {
  backend: BackendName
  /** wasm: whether the SIMD build runs. */
  simd?: boolean
  /** wasm: worker threads in use (tfjs 4.22 runs the wasm backend single-threaded under Node). */
  threads?: number
  /** Faster backends that were not used, and why (e.g. "@tensorflow/tfjs-node: not installed"). */
  skipped: string[]
}

export interface SelectedBackend {
  tf: Tf
  info: BackendInfo
}

const NATIVE = [
  { name: 'tensorflow-gpu', module: '@tensorflow/tfjs-node-gpu' },
  { name: 'tensorflow', module: '@tensorflow/tfjs-node' }
] as const

/** Folder holding the wasm binaries of @tensorflow/tfjs-backend-wasm, with a trailing slash. */
export function wasmBinariesDir(): string {
  const require = createRequire(import.meta.url)
  return `${join(dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json')), 'dist')}/`
}

function hasNvidiaGpu(): boolean {
  return existsSync('/dev/nvidiactl') && existsSync('/dev/nvidia0')
}

/** Imports a native binding if it is installed; the packages are optional and never required. */
async function tryNative(name: BackendName, module: string, skipped: string[]): Promise<Tf | undefined> {
  if (name === 'tensorflow-gpu' && !hasNvidiaGpu()) {
    skipped.push(`${module}: no NVIDIA GPU device`)
    return undefined
  }
  try {
    const imported = (await import(module)) as Tf & { default?: Tf }
    const loaded = typeof imported.setBackend === 'function' ? imported : imported.default!
    if (await loaded.setBackend('tensorflow')) return loaded
    skipped.push(`${module}: its backend did not start`)
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code
    skipped.push(
      `${module}: ${code === 'ERR_MODULE_NOT_FOUND' ? 'not installed' : (err as Error).message.split('\n')[0]}`
    )
  }
  return undefined
}

async function startWasm(threads: number): Promise<BackendInfo | undefined> {
  const { tfjs, wasm, registerMissingWasmKernels } = await loadTfjs()
  wasm.setWasmPaths(wasmBinariesDir())
  wasm.setThreadsCount(threads)
  registerMissingWasmKernels()
  if (!(await tfjs.setBackend('wasm'))) return undefined
  await tfjs.ready()
  return {
    backend: 'wasm',
    simd: (await tfjs.env().getAsync('WASM_HAS_SIMD_SUPPORT')) === true,
    threads: wasm.getThreadsCount(),
    skipped: []
  }
}

/**
 * Starts the fastest tfjs backend present: @tensorflow/tfjs-node-gpu (when installed and an
 * NVIDIA GPU is there), then @tensorflow/tfjs-node, then wasm (SIMD; threads where tfjs allows),
 * then the plain JavaScript cpu backend. `force` picks one (tests, benchmarks). Returns the tfjs
 * namespace to use (a native binding brings its own) and which backend runs.
 */
export async function selectBackend(
  opts: { force?: BackendName; threads?: number } = {}
): Promise<SelectedBackend> {
  const { tfjs } = await loadTfjs()
  // tfjs nags about tfjs-node on stdout-adjacent streams; PROD turns its warnings off
  tfjs.env().set('PROD', true)
  const skipped: string[] = []
  for (const native of NATIVE) {
    if (opts.force !== undefined && opts.force !== native.name) continue
    const tf = await tryNative(native.name, native.module, skipped)
    if (tf !== undefined) return { tf, info: { backend: native.name, skipped } }
  }
  if (opts.force === undefined || opts.force === 'wasm') {
    const info = await startWasm(opts.threads ?? availableParallelism()).catch((err: Error) => {
      skipped.push(`wasm: ${err.message.split('\n')[0]}`)
      return undefined
    })
    if (info !== undefined) return { tf: tfjs, info: { ...info, skipped } }
  }
  if (opts.force !== undefined && opts.force !== 'cpu') {
    throw new Error(`the ${opts.force} backend is not available here (${skipped.join('; ')})`)
  }
  await tfjs.setBackend('cpu')
  await tfjs.ready()
  return { tf: tfjs, info: { backend: 'cpu', skipped } }
}
