import { DatasetError } from './errors.js'

/** A numeric array read from a NumPy .npy file (C order). */
export interface NpyArray {
  shape: number[]
  dtype: 'float32' | 'int32'
  data: Float32Array | Int32Array
}

const MAGIC = '\x93NUMPY'
const MAX_HEADER = 64 * 1024

/**
 * Reads a .npy file (format 1.0–3.0) holding little-endian float32 (`<f4`) or int32 (`<i4`) in C
 * order, the two dtypes tfjs trains on. Other dtypes (float64, int64, …) are refused with the
 * NumPy call that converts them. Throws DatasetError.
 */
export function parseNpy(bytes: Uint8Array, name: string): NpyArray {
  const text = (start: number, end: number): string =>
    Buffer.from(bytes.subarray(start, end)).toString('latin1')
  if (bytes.length < 10 || text(0, 6) !== MAGIC) throw new DatasetError(`${name} is not a .npy file`)
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  const major = bytes[6]!
  const wide = major >= 2
  const headerLength = wide ? view.getUint32(8, true) : view.getUint16(8, true)
  const headerStart = wide ? 12 : 10
  if (headerLength > MAX_HEADER || headerStart + headerLength > bytes.length) {
    throw new DatasetError(`${name} has a damaged header`)
  }
  const header = text(headerStart, headerStart + headerLength)
  const descr = /'descr':\s*'([^']+)'/.exec(header)?.[1]
  const fortran = /'fortran_order':\s*(True|False)/.exec(header)?.[1]
  const shapeText = /'shape':\s*\(([^)]*)\)/.exec(header)?.[1]
  if (descr === undefined || fortran === undefined || shapeText === undefined) {
    throw new DatasetError(`${name} has a header without descr, fortran_order or shape`)
  }
  if (fortran === 'True')
    throw new DatasetError(`${name} is in Fortran order; save it with np.ascontiguousarray(a)`)
  const dtype = descr === '<f4' ? 'float32' : descr === '<i4' ? 'int32' : undefined
  if (dtype === undefined) {
    throw new DatasetError(`${name} holds ${descr}; save it as float32 or int32 (a.astype(np.float32))`)
  }
  const shape = shapeText
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '')
    .map(Number)
  if (shape.some((d) => !Number.isSafeInteger(d) || d < 0))
    throw new DatasetError(`${name} has a bad shape (${shapeText})`)
  const count = shape.reduce((a, b) => a * b, 1)
  const dataStart = headerStart + headerLength
  if (bytes.length - dataStart !== count * 4) {
    throw new DatasetError(
      `${name} should hold ${count} values of 4 bytes but has ${bytes.length - dataStart} data bytes`
    )
  }
  // a copy (Buffer#slice would share the pool), aligned for the typed array
  const copy = new Uint8Array(bytes.subarray(dataStart)).buffer
  const data = dtype === 'float32' ? new Float32Array(copy) : new Int32Array(copy)
  return { shape, dtype, data }
}
