import * as tfjs from '@tensorflow/tfjs'

/** What the wasm backend offers a kernel: reading a tensor and making an output from values. */
interface WasmBackendLike {
  readSync(dataId: unknown): ArrayLike<number>
  makeOutput(shape: number[], dtype: 'float32', memoryOffset?: number, values?: Float32Array): tfjs.TensorInfo
}

interface BackpropFilterAttrs {
  strides: [number, number] | number
  pad: 'valid' | 'same' | number
  dataFormat: 'NHWC' | 'NCHW'
  dimRoundingMode?: 'floor' | 'round' | 'ceil'
  filterShape: [number, number, number, number]
}

/**
 * The filter gradient of a 2-D convolution (NHWC), which @tensorflow/tfjs-backend-wasm 4.22
 * lacks, so any Conv2D layer fails to train on wasm with "Kernel 'Conv2DBackpropFilter' not
 * registered". Plain JavaScript over the wasm heap, the same sums as the cpu backend's kernel,
 * in an order that walks the input once.
 */
function conv2DBackpropFilter(args: {
  inputs: tfjs.NamedTensorInfoMap
  backend: unknown
  attrs: unknown
}): tfjs.TensorInfo {
  const backend = args.backend as WasmBackendLike
  const { x, dy } = args.inputs as { x: tfjs.TensorInfo; dy: tfjs.TensorInfo }
  const a = args.attrs as BackpropFilterAttrs
  if (a.dataFormat === 'NCHW') throw new Error('Conv2DBackpropFilter on wasm supports NHWC only')
  const info = tfjs.backend_util.computeConv2DInfo(
    x.shape as [number, number, number, number],
    a.filterShape,
    a.strides,
    1,
    a.pad,
    a.dimRoundingMode,
    false,
    'channelsLast'
  )
  const { batchSize, inHeight, inWidth, inChannels, outHeight, outWidth, outChannels } = info
  const { filterHeight, filterWidth, strideHeight, strideWidth } = info
  const top = info.padInfo.top
  const left = info.padInfo.left
  const xs = backend.readSync(x.dataId)
  const dys = backend.readSync(dy.dataId)
  const dw = new Float64Array(filterHeight * filterWidth * inChannels * outChannels)
  for (let b = 0; b < batchSize; b++) {
    for (let yR = 0; yR < outHeight; yR++) {
      for (let yC = 0; yC < outWidth; yC++) {
        const dyAt = ((b * outHeight + yR) * outWidth + yC) * outChannels
        for (let wR = 0; wR < filterHeight; wR++) {
          const xR = yR * strideHeight + wR - top
          if (xR < 0 || xR >= inHeight) continue
          for (let wC = 0; wC < filterWidth; wC++) {
            const xC = yC * strideWidth + wC - left
            if (xC < 0 || xC >= inWidth) continue
            const xAt = ((b * inHeight + xR) * inWidth + xC) * inChannels
            const wAt = (wR * filterWidth + wC) * inChannels * outChannels
            for (let d1 = 0; d1 < inChannels; d1++) {
              const xv = xs[xAt + d1]!
              if (xv === 0) continue
              const row = wAt + d1 * outChannels
              for (let d2 = 0; d2 < outChannels; d2++) dw[row + d2]! += xv * dys[dyAt + d2]!
            }
          }
        }
      }
    }
  }
  return backend.makeOutput(a.filterShape, 'float32', undefined, Float32Array.from(dw))
}

/** Adds the kernels training needs that the wasm backend does not have (once per process). */
export function registerMissingWasmKernels(): void {
  if (tfjs.getKernel('Conv2DBackpropFilter', 'wasm') !== undefined) return
  tfjs.registerKernel({
    kernelName: 'Conv2DBackpropFilter',
    backendName: 'wasm',
    kernelFunc: conv2DBackpropFilter as unknown as tfjs.KernelFunc
  })
}
