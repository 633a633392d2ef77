import { inflateSync } from 'node:zlib'
import jpeg from 'jpeg-js'
import { PNG } from 'pngjs'
import { MAX_IMAGE_BYTES, MAX_IMAGE_PIXELS } from './constants.js'

/** A decoded image: 8-bit RGBA, row-major, `width × height × 4` bytes. */
export interface RgbaImage {
  width: number
  height: number
  data: Uint8Array
}

export type ImageFormat = 'png' | 'jpeg'

/** Why one image file cannot be used; the folder reader turns it into a field error. */
export class ImageDecodeError extends Error {}

const LABEL: Record<ImageFormat, string> = { png: 'PNG', jpeg: 'JPEG' }
const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]
/** JPEG start-of-frame markers that carry the image size (all but DHT C4, JPG C8, DAC CC). */
const JPEG_SOF = new Set([0xc0, 0xc1, 0xc2, 0xc3, 0xc5, 0xc6, 0xc7, 0xc9, 0xca, 0xcb, 0xcd, 0xce, 0xcf])

/** The format by the file's first bytes (the name's extension is not trusted). */
export function sniffImage(bytes: Uint8Array): ImageFormat | undefined {
  if (PNG_SIGNATURE.every((b, i) => bytes[i] === b)) return 'png'
  if (bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return 'jpeg'
  return undefined
}

/** Width and height from a PNG's IHDR chunk, without decoding anything. */
function pngSize(bytes: Uint8Array): { width: number; height: number } {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  if (
    bytes.length < 33 ||
    view.getUint32(8) !== 13 ||
    String.fromCharCode(...bytes.subarray(12, 16)) !== 'IHDR'
  )
    throw new ImageDecodeError('a damaged PNG: it has no IHDR header chunk')
  return { width: view.getUint32(16), height: view.getUint32(20) }
}

/** Width and height from a JPEG's start-of-frame segment, walking the segments before it. */
function jpegSize(bytes: Uint8Array): { width: number; height: number } {
  let i = 2
  while (i + 4 <= bytes.length) {
    if (bytes[i] !== 0xff)
      throw new ImageDecodeError('a damaged JPEG: a segment does not start with a marker')
    const marker = bytes[i + 1]!
    if (marker === 0xff) {
      i++
      continue
    }
    const length = (bytes[i + 2]! << 8) | bytes[i + 3]!
    if (JPEG_SOF.has(marker)) {
      if (i + 9 > bytes.length) break
      return { height: (bytes[i + 5]! << 8) | bytes[i + 6]!, width: (bytes[i + 7]! << 8) | bytes[i + 8]! }
    }
    if (marker === 0xda || length < 2) break
    i += 2 + length
  }
  throw new ImageDecodeError('a damaged JPEG: no frame header with its size before the image data')
}

/** Channels per PNG colour type (grey, -, RGB, palette, grey+alpha, -, RGBA). */
const PNG_CHANNELS: Record<number, number> = { 0: 1, 2: 3, 3: 1, 4: 2, 6: 4 }

/**
 * pngjs inflates an interlaced PNG's data without an output limit, so a few kilobytes of IDAT
 * could expand to gigabytes. This inflates it first with a limit of what the header's size can
 * hold (twice over, for the interlace passes' filter bytes). Non-interlaced PNGs are limited by
 * pngjs itself.
 */
function checkInterlacedPng(bytes: Uint8Array, width: number, height: number): void {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  if (buf[28] !== 1) return
  const channels = PNG_CHANNELS[buf[25]!] ?? 4
  const limit = 2 * (Math.ceil((width * channels * buf[24]!) / 8) + 1) * height + 1024
  const idat: Buffer[] = []
  for (let at = 8; at + 8 <= buf.length; ) {
    const length = buf.readUInt32BE(at)
    const type = buf.toString('latin1', at + 4, at + 8)
    if (type === 'IDAT') idat.push(buf.subarray(at + 8, Math.min(at + 8 + length, buf.length)))
    if (type === 'IEND') break
    at += 12 + length
  }
  try {
    inflateSync(Buffer.concat(idat), { maxOutputLength: limit })
  } catch (err) {
    const tooBig = (err as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE'
    throw new ImageDecodeError(
      tooBig
        ? `a damaged PNG: its data decompresses to more than ${width} × ${height} pixels can hold`
        : `a damaged PNG: ${(err as Error).message}`
    )
  }
}

/**
 * The size a PNG or JPEG header claims, checked against MAX_IMAGE_PIXELS before any pixel
 * memory is allocated (a small file can claim 50000 × 50000 pixels). Throws ImageDecodeError.
 */
export function imageHeader(bytes: Uint8Array): { format: ImageFormat; width: number; height: number } {
  const format = sniffImage(bytes)
  if (format === undefined) {
    throw new ImageDecodeError('not a PNG or JPEG image (its first bytes are neither signature)')
  }
  const { width, height } = format === 'png' ? pngSize(bytes) : jpegSize(bytes)
  if (width < 1 || height < 1)
    throw new ImageDecodeError(`the ${LABEL[format]} header says ${width} × ${height} pixels`)
  if (width * height > MAX_IMAGE_PIXELS) {
    throw new ImageDecodeError(
      `the ${LABEL[format]} header says ${width} × ${height} pixels; the most is ${MAX_IMAGE_PIXELS} pixels per image, shrink it first`
    )
  }
  return { format, width, height }
}

/**
 * Decodes a PNG or JPEG with pure-JavaScript decoders into 8-bit RGBA. The header's size is
 * checked first (imageHeader); a damaged or truncated file throws ImageDecodeError.
 */
export function decodeImage(bytes: Uint8Array): RgbaImage {
  if (bytes.byteLength > MAX_IMAGE_BYTES) {
    throw new ImageDecodeError(`the file has ${bytes.byteLength} bytes; the most is ${MAX_IMAGE_BYTES}`)
  }
  const header = imageHeader(bytes)
  if (header.format === 'png') checkInterlacedPng(bytes, header.width, header.height)
  let image: { width: number; height: number; data: Uint8Array }
  try {
    if (header.format === 'png') {
      image = PNG.sync.read(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength))
    } else {
      image = jpeg.decode(bytes, {
        useTArray: true,
        formatAsRGBA: true,
        tolerantDecoding: false,
        maxResolutionInMP: MAX_IMAGE_PIXELS / 1e6,
        maxMemoryUsageInMB: 512
      })
    }
  } catch (err) {
    throw new ImageDecodeError(`a damaged ${LABEL[header.format]}: ${(err as Error).message}`)
  }
  if (image.width !== header.width || image.height !== header.height) {
    throw new ImageDecodeError(`a damaged ${LABEL[header.format]}: the decoded size differs from its header`)
  }
  if (image.data.length !== image.width * image.height * 4) {
    throw new ImageDecodeError(
      `a damaged ${LABEL[header.format]}: it holds fewer pixels than its header says`
    )
  }
  return { width: image.width, height: image.height, data: image.data }
}
