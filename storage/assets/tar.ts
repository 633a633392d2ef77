import { mkdir } from 'node:fs/promises'
import { dirname, join } from 'node:path'
import { writeFileAtomically } from '../files/atomic-write.js'
import { ArchiveError } from './errors.js'

/**
 * A minimal ustar (POSIX.1-1988 + pax extended headers) writer and reader, streaming: a
 * folder asset goes over HTTP as a tar stream in both directions. Only regular files and
 * folders are written or accepted.
 */

const BLOCK = 512
/** Largest size the 11 octal digits of a ustar header hold; bigger files get a pax size record. */
const MAX_OCTAL_SIZE = 0o77777777777

export interface TarEntry {
  /** '/'-separated path inside the archive, no leading or trailing slash. */
  path: string
  type: 'file' | 'directory'
  size: number
  /** ms */
  mtime?: number
  /** File content (exactly `size` bytes); read it before asking for the next entry. */
  content?: AsyncIterable<Uint8Array>
}

function octal(value: number, width: number): string {
  return `${value.toString(8).padStart(width - 1, '0')}\0`
}

function header(name: string, type: string, size: number, mtime: number, mode: number): Buffer {
  const h = Buffer.alloc(BLOCK)
  h.write(name, 0, 100, 'utf8')
  h.write(octal(mode, 8), 100, 'ascii')
  h.write(octal(0, 8), 108, 'ascii')
  h.write(octal(0, 8), 116, 'ascii')
  h.write(octal(Math.min(size, MAX_OCTAL_SIZE), 12), 124, 'ascii')
  h.write(octal(Math.floor(mtime / 1000), 12), 136, 'ascii')
  h.write('        ', 148, 'ascii')
  h.write(type, 156, 'ascii')
  h.write('ustar\u000000', 257, 'ascii')
  let sum = 0
  for (const b of h) sum += b
  h.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 'ascii')
  return h
}

function padding(size: number): Buffer {
  const rest = size % BLOCK
  return Buffer.alloc(rest === 0 ? 0 : BLOCK - rest)
}

function paxRecord(key: string, value: string): string {
  const body = ` ${key}=${value}\n`
  let len = Buffer.byteLength(body) + 1
  while (String(len).length + Buffer.byteLength(body) !== len)
    len = String(len).length + Buffer.byteLength(body)
  return `${len}${body}`
}

/** Writes `entries` as a tar stream. */
export async function* packTar(
  entries: AsyncIterable<TarEntry> | Iterable<TarEntry>
): AsyncGenerator<Uint8Array> {
  for await (const e of entries) {
    const name = e.type === 'directory' ? `${e.path}/` : e.path
    const mtime = e.mtime ?? Date.now()
    const pax: string[] = []
    if (Buffer.byteLength(name) > 100 || /[^\x20-\x7e]/.test(name)) pax.push(paxRecord('path', name))
    if (e.size > MAX_OCTAL_SIZE) pax.push(paxRecord('size', String(e.size)))
    if (pax.length > 0) {
      const body = Buffer.from(pax.join(''), 'utf8')
      yield header('PaxHeader', 'x', body.byteLength, mtime, 0o644)
      yield body
      yield padding(body.byteLength)
    }
    const size = e.type === 'file' ? e.size : 0
    yield header(
      name.slice(0, 100),
      e.type === 'file' ? '0' : '5',
      size,
      mtime,
      e.type === 'file' ? 0o644 : 0o755
    )
    if (e.type !== 'file') continue
    let written = 0
    for await (const chunk of e.content ?? []) {
      written += chunk.byteLength
      if (written > size) throw new ArchiveError(`${e.path} is longer than its recorded size`)
      yield chunk
    }
    if (written !== size) throw new ArchiveError(`${e.path} is shorter than its recorded size`)
    yield padding(size)
  }
  yield Buffer.alloc(BLOCK * 2)
}

/** Buffered exact reads from a byte stream. */
class ByteReader {
  #buf: Buffer = Buffer.alloc(0)
  readonly #it: AsyncIterator<Uint8Array>
  #ended = false

  constructor(source: AsyncIterable<Uint8Array>) {
    this.#it = source[Symbol.asyncIterator]()
  }

  async #fill(n: number): Promise<void> {
    while (this.#buf.byteLength < n && !this.#ended) {
      const next = await this.#it.next()
      if (next.done === true) this.#ended = true
      else
        this.#buf =
          this.#buf.byteLength === 0 ? Buffer.from(next.value) : Buffer.concat([this.#buf, next.value])
    }
  }

  /** Exactly `n` bytes, or undefined at a clean end of stream. */
  async read(n: number): Promise<Buffer | undefined> {
    await this.#fill(n)
    if (this.#buf.byteLength === 0) return undefined
    if (this.#buf.byteLength < n) throw new ArchiveError('it ends in the middle of an entry')
    const out = this.#buf.subarray(0, n)
    this.#buf = this.#buf.subarray(n)
    return out
  }

  /** `n` bytes in pieces as they arrive. */
  async *stream(n: number): AsyncGenerator<Uint8Array> {
    let left = n
    while (left > 0) {
      if (this.#buf.byteLength === 0) await this.#fill(1)
      if (this.#buf.byteLength === 0) throw new ArchiveError('it ends in the middle of a file')
      const take = Math.min(left, this.#buf.byteLength)
      const piece = this.#buf.subarray(0, take)
      this.#buf = this.#buf.subarray(take)
      left -= take
      yield piece
    }
  }
}

function text(h: Buffer, offset: number, length: number): string {
  const raw = h.subarray(offset, offset + length)
  const end = raw.indexOf(0)
  return raw.subarray(0, end === -1 ? length : end).toString('utf8')
}

function number(h: Buffer, offset: number, length: number): number {
  const s = text(h, offset, length).trim()
  return s === '' ? 0 : Number.parseInt(s, 8)
}

function checksumOk(h: Buffer): boolean {
  let sum = 0
  for (let i = 0; i < BLOCK; i++) sum += i >= 148 && i < 156 ? 0x20 : h[i]
  return sum === number(h, 148, 8)
}

function parsePax(body: Buffer): Record<string, string> {
  const out: Record<string, string> = {}
  let at = 0
  while (at < body.byteLength) {
    const space = body.indexOf(0x20, at)
    const len = Number(body.subarray(at, space).toString('ascii'))
    if (space === -1 || !Number.isInteger(len) || len <= 0)
      throw new ArchiveError('a pax header is malformed')
    const record = body.subarray(space + 1, at + len - 1).toString('utf8')
    const eq = record.indexOf('=')
    out[record.slice(0, eq)] = record.slice(eq + 1)
    at += len
  }
  return out
}

/** A path from an archive as a safe relative path, or an ArchiveError. */
export function safeArchivePath(raw: string): string {
  const path = raw.replace(/^\.\//, '').replace(/\/+$/, '')
  const parts = path.split('/')
  if (path === '' || raw.startsWith('/') || raw.includes('\\') || raw.includes('\0')) {
    throw new ArchiveError(`entry ${JSON.stringify(raw.slice(0, 80))} is not a relative path`)
  }
  if (parts.some((p) => p === '' || p === '.' || p === '..')) {
    throw new ArchiveError(`entry ${JSON.stringify(raw.slice(0, 80))} would leave the folder`)
  }
  return path
}

/**
 * Reads a tar stream entry by entry. Each file's content must be read (or is skipped) before
 * the next entry; links and special files are refused.
 */
export async function* extractTar(source: AsyncIterable<Uint8Array>): AsyncGenerator<TarEntry> {
  const reader = new ByteReader(source)
  let pax: Record<string, string> = {}
  for (;;) {
    const h = await reader.read(BLOCK)
    if (h === undefined) throw new ArchiveError('it ends without the end-of-archive marker')
    if (h.every((b) => b === 0)) return
    if (!checksumOk(h)) throw new ArchiveError('a header checksum is wrong (is it a tar file?)')
    const type = String.fromCharCode(h[156] === 0 ? 0x30 : h[156])
    const size = pax.size !== undefined ? Number(pax.size) : number(h, 124, 12)
    if (type === 'x' || type === 'g' || type === 'L') {
      const body = (await reader.read(size + padding(size).byteLength))!.subarray(0, size)
      if (type === 'x') pax = { ...pax, ...parsePax(body) }
      if (type === 'L') pax = { ...pax, path: body.toString('utf8').replace(/\0+$/, '') }
      continue
    }
    const prefix = text(h, 345, 155)
    const name = pax.path ?? (prefix !== '' ? `${prefix}/${text(h, 0, 100)}` : text(h, 0, 100))
    pax = {}
    if (type !== '0' && type !== '5') {
      throw new ArchiveError(
        `entry ${JSON.stringify(name.slice(0, 80))} is a link or special file; only files and folders are taken`
      )
    }
    const path = safeArchivePath(name)
    if (type === '5') {
      yield { path, type: 'directory', size: 0 }
      continue
    }
    const state = { left: size }
    const content = (async function* () {
      for await (const piece of reader.stream(size)) {
        state.left -= piece.byteLength
        yield piece
      }
    })()
    yield { path, type: 'file', size, mtime: number(h, 136, 12) * 1000, content }
    // whatever the consumer left unread
    for await (const _ of reader.stream(state.left)) state.left = 0
    await reader.read(padding(size).byteLength)
  }
}

/**
 * Unpacks a tar stream of at most `maxEntries` entries under `root` (paths checked by
 * extractTar). `onFile` sees the running
 * total of file bytes before each file is written and may throw to stop.
 */
export async function unpackTar(
  tar: AsyncIterable<Uint8Array>,
  root: string,
  maxEntries: number,
  onFile: (totalBytes: number) => void
): Promise<void> {
  let total = 0
  let entries = 0
  for await (const entry of extractTar(tar)) {
    if (++entries > maxEntries) throw new ArchiveError(`it holds more than ${maxEntries} files and folders`)
    const target = join(root, ...entry.path.split('/'))
    if (entry.type === 'directory') {
      await mkdir(target, { recursive: true })
      continue
    }
    total += entry.size
    onFile(total)
    await mkdir(dirname(target), { recursive: true })
    if (entry.content !== undefined) await writeFileAtomically(target, entry.content, () => {})
  }
}
