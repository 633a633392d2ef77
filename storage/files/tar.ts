import { createReadStream, createWriteStream } from 'node:fs'
import { lstat, mkdir, readdir } from 'node:fs/promises'
import { join, relative, sep } from 'node:path'
import { Readable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import { RynusError } from '../../protocols/common/errors.js'

/**
 * A folder travels to the node's API as a plain POSIX ustar archive: regular files and folders
 * only, written by `packFolder`, read back by `unpackTar` with every path checked. No links, no
 * pax/GNU extensions, no owners or modes are honoured.
 */
const BLOCK = 512

/** The archive cannot be unpacked: a link, a path leaving the folder, a damaged header, … */
export class TarError extends RynusError {
  constructor(message: string) {
    super(`the uploaded folder archive cannot be used: ${message}`, 'ERR_BAD_ARCHIVE')
  }
}

interface PackEntry {
  path: string
  absolute: string
  size: number
  directory: boolean
}

function octal(value: number, width: number): string {
  return `${value.toString(8).padStart(width - 1, '0')}\0`
}

function header(entry: PackEntry): Buffer {
  const block = Buffer.alloc(BLOCK)
  let name = entry.directory ? `${entry.path}/` : entry.path
  let prefix = ''
  if (Buffer.byteLength(name) > 100) {
    const cut = name.lastIndexOf('/', name.length - 2)
    prefix = name.slice(0, cut)
    name = name.slice(cut + 1)
    if (cut < 0 || Buffer.byteLength(name) > 100 || Buffer.byteLength(prefix) > 155)
      throw new TarError(`the path ${entry.path} is too long for an archive; shorten it`)
  }
  block.write(name, 0, 100, 'utf8')
  block.write(octal(entry.directory ? 0o755 : 0o644, 8), 100, 'latin1')
  block.write(octal(0, 8), 108, 'latin1')
  block.write(octal(0, 8), 116, 'latin1')
  block.write(octal(entry.directory ? 0 : entry.size, 12), 124, 'latin1')
  block.write(octal(0, 12), 136, 'latin1')
  block.write(entry.directory ? '5' : '0', 156, 'latin1')
  block.write('ustar\u000000', 257, 'latin1')
  block.write(prefix, 345, 155, 'utf8')
  block.fill(0x20, 148, 156)
  const sum = block.reduce((a, b) => a + b, 0)
  block.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 'latin1')
  return block
}

const padding = (size: number): number => (BLOCK - (size % BLOCK)) % BLOCK

/**
 * A folder as a ustar archive: its size (known before sending, for content-length) and the
 * bytes as a stream. Entries in name order; links and special files are refused.
 */
export async function packFolder(root: string): Promise<{ size: number; stream: Readable }> {
  const entries: PackEntry[] = []
  for (const d of await readdir(root, { recursive: true, withFileTypes: true })) {
    const absolute = join(d.parentPath, d.name)
    const path = relative(root, absolute).split(sep).join('/')
    if (d.isDirectory()) entries.push({ path, absolute, size: 0, directory: true })
    else if (d.isFile())
      entries.push({ path, absolute, size: (await lstat(absolute)).size, directory: false })
    else
      throw new TarError(
        `${absolute} is a link or special file; a folder to upload holds only files and folders`
      )
  }
  entries.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0))
  const size = entries.reduce((sum, e) => sum + BLOCK + e.size + padding(e.size), 0) + 2 * BLOCK
  async function* bytes(): AsyncGenerator<Buffer> {
    for (const entry of entries) {
      yield header(entry)
      if (entry.directory) continue
      let sent = 0
      for await (const chunk of createReadStream(entry.absolute)) {
        sent += (chunk as Buffer).length
        if (sent > entry.size) throw new TarError(`${entry.absolute} grew while it was being sent`)
        yield chunk as Buffer
      }
      if (sent !== entry.size) throw new TarError(`${entry.absolute} shrank while it was being sent`)
      yield Buffer.alloc(padding(entry.size))
    }
    yield Buffer.alloc(2 * BLOCK)
  }
  return { size, stream: Readable.from(bytes()) }
}

/** Reads exact byte counts from a stream of chunks. */
class ByteReader {
  private chunks: Buffer[] = []
  private length = 0
  private ended = false

  constructor(private readonly source: AsyncIterator<Uint8Array>) {}

  private async fill(n: number): Promise<boolean> {
    while (this.length < n && !this.ended) {
      const next = await this.source.next()
      if (next.done === true) this.ended = true
      else {
        this.chunks.push(Buffer.from(next.value))
        this.length += next.value.byteLength
      }
    }
    return this.length >= n
  }

  /** The next `n` bytes, or undefined when the stream ends first. */
  async exactly(n: number): Promise<Buffer | undefined> {
    if (!(await this.fill(n))) return undefined
    const all = this.chunks.length === 1 ? this.chunks[0]! : Buffer.concat(this.chunks)
    this.chunks = all.length > n ? [all.subarray(n)] : []
    this.length -= n
    return all.subarray(0, n)
  }

  /** The next `n` bytes as chunks, without holding them all. */
  async *take(n: number): AsyncGenerator<Buffer> {
    let left = n
    while (left > 0) {
      if (!(await this.fill(1))) throw new TarError('the archive ends in the middle of a file')
      const chunk = this.chunks.shift()!
      const part = chunk.length > left ? chunk.subarray(0, left) : chunk
      if (chunk.length > left) this.chunks.unshift(chunk.subarray(left))
      this.length -= part.length
      left -= part.length
      yield part
    }
  }
}

function field(block: Buffer, start: number, length: number): string {
  const raw = block.subarray(start, start + length)
  const end = raw.indexOf(0)
  return raw.subarray(0, end === -1 ? length : end).toString('utf8')
}

function parseOctal(block: Buffer, start: number, length: number, what: string): number {
  const text = field(block, start, length).trim()
  if (!/^[0-7]+$/.test(text)) throw new TarError(`a header has a bad ${what}`)
  return Number.parseInt(text, 8)
}

/** A path inside the folder: relative, no `..`, no empty or hidden-dot segments, no control characters. */
function safePath(raw: string): string {
  const path = raw.replace(/^\.\//, '').replace(/\/$/, '')
  const parts = path.split('/')
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what it refuses
  if (path === '' || parts.some((p) => p === '' || p === '.' || p === '..' || /[\u0000-\u001f\\]/.test(p)))
    throw new TarError(`the path ${JSON.stringify(raw.slice(0, 200))} would leave the folder or is malformed`)
  return path
}

/**
 * Unpacks a ustar archive into `dest` (which must not exist yet): only regular files and
 * folders, paths checked to stay inside, at most `maxEntries` entries and `maxFileBytes` per
 * file. Anything else — links, devices, pax/GNU headers, a damaged header — is a TarError.
 */
export async function unpackTar(
  source: AsyncIterable<Uint8Array>,
  dest: string,
  limits: { maxEntries: number; maxFileBytes: number }
): Promise<{ files: number; bytes: number }> {
  await mkdir(dest)
  const reader = new ByteReader(source[Symbol.asyncIterator]())
  let entries = 0
  let files = 0
  let bytes = 0
  for (;;) {
    const block = await reader.exactly(BLOCK)
    if (block === undefined) throw new TarError('the archive ends without its end marker')
    if (block.every((b) => b === 0)) break
    const stored = parseOctal(block, 148, 8, 'checksum')
    block.fill(0x20, 148, 156)
    if (block.reduce((a, b) => a + b, 0) !== stored) throw new TarError('a header checksum is wrong')
    if (++entries > limits.maxEntries) throw new TarError(`more than ${limits.maxEntries} entries`)
    const prefix = field(block, 345, 155)
    const name = field(block, 0, 100)
    const path = safePath(prefix === '' ? name : `${prefix}/${name}`)
    const type = String.fromCharCode(block[156]!)
    const size = parseOctal(block, 124, 12, 'size')
    if (type === '5') {
      await mkdir(join(dest, ...path.split('/')), { recursive: true })
      continue
    }
    if (type !== '0' && type !== '\0')
      throw new TarError(
        `${path} is not a regular file or folder (type ${JSON.stringify(type)}); send plain files`
      )
    if (size > limits.maxFileBytes)
      throw new TarError(`${path} has ${size} bytes; the most is ${limits.maxFileBytes}`)
    const target = join(dest, ...path.split('/'))
    await mkdir(join(target, '..'), { recursive: true })
    await pipeline(Readable.from(reader.take(size)), createWriteStream(target, { flags: 'wx' }))
    if ((await reader.exactly(padding(size))) === undefined)
      throw new TarError('the archive ends in the middle of a file')
    files++
    bytes += size
  }
  return { files, bytes }
}
