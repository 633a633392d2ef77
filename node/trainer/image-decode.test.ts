import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { crc32, deflateSync } from 'node:zlib'
import jpeg from 'jpeg-js'
import { PNG } from 'pngjs'
import { decodeImage, ImageDecodeError, imageHeader } from './image-decode.js'
import { resizeImage } from './image-resize.js'

/** An RGBA image whose pixel (x, y) is `at(x, y)`. */
function rgba(width: number, height: number, at: (x: number, y: number) => number[]): Buffer {
  const data = Buffer.alloc(width * height * 4)
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) data.set(at(x, y), (y * width + x) * 4)
  return data
}

function png(width: number, height: number, at: (x: number, y: number) => number[]): Buffer {
  const image = new PNG({ width, height })
  rgba(width, height, at).copy(image.data)
  return PNG.sync.write(image)
}

/** A PNG chunk with its length and CRC. */
function chunk(type: string, body: Buffer): Buffer {
  const head = Buffer.alloc(8)
  head.writeUInt32BE(body.length, 0)
  head.write(type, 4, 'latin1')
  const crc = Buffer.alloc(4)
  crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), body])) >>> 0)
  return Buffer.concat([head, body, crc])
}

function decodeError(bytes: Uint8Array): string {
  try {
    decodeImage(bytes)
  } catch (err) {
    assert.ok(err instanceof ImageDecodeError, String(err))
    return err.message
  }
  return assert.fail('decoded a hostile file')
}

describe('image decoding', () => {
  it('decodes PNG and JPEG to RGBA, whatever the file is called', () => {
    const p = decodeImage(png(3, 2, (x, y) => [x * 100, y * 200, 7, 255]))
    assert.deepEqual([p.width, p.height], [3, 2])
    assert.deepEqual([...p.data.subarray(4 * 4, 4 * 4 + 4)], [100, 200, 7, 255], 'pixel (1, 1)')
    const j = jpeg.encode({ width: 16, height: 8, data: rgba(16, 8, () => [120, 120, 120, 255]) }, 95).data
    const d = decodeImage(j)
    assert.deepEqual([d.width, d.height], [16, 8])
    assert.ok(Math.abs(d.data[0]! - 120) <= 2, `gray stays gray (${d.data[0]})`)
  })

  it('refuses a PNG whose header claims 50000 × 50000 pixels before allocating them', () => {
    const ihdr = Buffer.alloc(13)
    ihdr.writeUInt32BE(50_000, 0)
    ihdr.writeUInt32BE(50_000, 4)
    ihdr.set([8, 6, 0, 0, 0], 8)
    const bomb = Buffer.concat([
      Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
      chunk('IHDR', ihdr),
      chunk('IDAT', Buffer.alloc(16)),
      chunk('IEND', Buffer.alloc(0))
    ])
    const before = process.memoryUsage().arrayBuffers
    assert.match(decodeError(bomb), /50000 × 50000 pixels; the most is \d+/)
    assert.ok(process.memoryUsage().arrayBuffers - before < 64 * 1024 * 1024, 'nothing big was allocated')
  })

  it('refuses an interlaced PNG whose data inflates far past its size (a zlib bomb), and reads an honest one', () => {
    const interlaced = (width: number, height: number, data: Buffer): Buffer => {
      const ihdr = Buffer.alloc(13)
      ihdr.writeUInt32BE(width, 0)
      ihdr.writeUInt32BE(height, 4)
      ihdr.set([8, 6, 0, 0, 1], 8)
      return Buffer.concat([
        Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
        chunk('IHDR', ihdr),
        chunk('IDAT', deflateSync(data)),
        chunk('IEND', Buffer.alloc(0))
      ])
    }
    const bomb = interlaced(10, 10, Buffer.alloc(64 * 1024 * 1024))
    assert.ok(bomb.length < 128 * 1024, `${bomb.length} bytes on disk`)
    assert.match(decodeError(bomb), /decompresses to more than 10 × 10 pixels can hold/)
    // 1 × 1 interlaced: only the first Adam7 pass holds a pixel (filter byte, then RGBA)
    const honest = decodeImage(interlaced(1, 1, Buffer.from([0, 10, 20, 30, 255])))
    assert.deepEqual([...honest.data], [10, 20, 30, 255])
  })

  it('refuses a JPEG whose frame header claims too many pixels', () => {
    const j = Buffer.from(jpeg.encode({ width: 8, height: 8, data: rgba(8, 8, () => [0, 0, 0, 255]) }).data)
    const sof = j.indexOf(Buffer.from([0xff, 0xc0]))
    j.writeUInt16BE(60_000, sof + 5)
    j.writeUInt16BE(60_000, sof + 7)
    assert.match(decodeError(j), /JPEG header says 60000 × 60000 pixels/)
  })

  it('refuses a truncated JPEG, a corrupt PNG and a text file with an image name', () => {
    const j = jpeg.encode({ width: 32, height: 32, data: rgba(32, 32, (x) => [x * 8, 0, 0, 255]) }).data
    assert.match(decodeError(j.subarray(0, Math.floor(j.length / 2))), /damaged JPEG/)
    const p = png(8, 8, (x, y) => [x * 30, y * 30, 0, 255])
    const idat = p.indexOf('IDAT')
    p[idat + 6] = p[idat + 6]! ^ 0xff
    assert.match(decodeError(p), /damaged PNG/)
    assert.match(decodeError(p.subarray(0, 40)), /damaged PNG/)
    assert.match(decodeError(Buffer.from('label,x\ncat,1\n')), /not a PNG or JPEG image/)
    assert.match(decodeError(Buffer.alloc(0)), /not a PNG or JPEG image/)
  })

  it('reads only the header for the size check', () => {
    assert.deepEqual(imageHeader(png(5, 9, () => [0, 0, 0, 255])), { format: 'png', width: 5, height: 9 })
  })
})

describe('image resizing', () => {
  it('scales values to [0, 1] and keeps a flat image flat', () => {
    const out = resizeImage(decodeImage(png(10, 7, () => [51, 51, 51, 255])), [4, 4, 1])
    assert.equal(out.length, 16)
    for (const v of out) assert.ok(Math.abs(v - 0.2) < 1e-12, String(v))
  })

  it('interpolates bilinearly with half-pixel centres, channels last', () => {
    // a 2 × 1 image, black then white, doubled to 4 × 1: 0, 0.25, 0.75, 1
    const out = resizeImage(decodeImage(png(2, 1, (x) => [x * 255, x * 255, x * 255, 255])), [1, 4, 1])
    assert.deepEqual(
      [...out].map((v) => Math.round(v * 1000) / 1000),
      [0, 0.25, 0.75, 1]
    )
    const rgb = resizeImage(decodeImage(png(1, 1, () => [255, 0, 51, 255])), [2, 2, 3])
    assert.deepEqual([...rgb.subarray(0, 3)], [1, 0, 0.2])
    assert.equal(rgb.length, 12)
  })

  it('gray is the luma of the colours, and transparent pixels are black', () => {
    const [gray] = resizeImage(decodeImage(png(1, 1, () => [255, 0, 0, 255])), [1, 1, 1])
    assert.ok(Math.abs(gray! - 0.299) < 1e-9)
    const [clear] = resizeImage(decodeImage(png(1, 1, () => [255, 255, 255, 0])), [1, 1, 1])
    assert.equal(clear, 0)
  })
})
