import type { Stats } from 'node:fs'
import { type FileHandle, open, stat } from 'node:fs/promises'
import { describeError } from '../../protocols/common/errors.js'
import { CHUNK_SIZE_BYTES } from './constants.js'
import { FileUnreadableError, PathNotFoundError } from './errors.js'

function codeOf(err: unknown): string | undefined {
  return (err as NodeJS.ErrnoException | undefined)?.code
}

/** `stat` with the errors a person can act on: missing path, no permission. */
export async function statForImport(path: string): Promise<Stats> {
  try {
    return await stat(path)
  } catch (err) {
    const code = codeOf(err)
    if (code === 'ENOENT' || code === 'ENOTDIR') throw new PathNotFoundError(path, { cause: err })
    if (code === 'EACCES' || code === 'EPERM') {
      throw new FileUnreadableError(path, 'permission denied; give the node read access to it', {
        cause: err
      })
    }
    throw new FileUnreadableError(path, describeError(err), { cause: err })
  }
}

async function openForImport(path: string): Promise<FileHandle> {
  try {
    return await open(path, 'r')
  } catch (err) {
    const code = codeOf(err)
    if (code === 'ENOENT') throw new PathNotFoundError(path, { cause: err })
    if (code === 'EACCES' || code === 'EPERM') {
      throw new FileUnreadableError(path, 'permission denied; give the node read access to it', {
        cause: err
      })
    }
    throw new FileUnreadableError(path, describeError(err), { cause: err })
  }
}

/**
 * Streams a local file in chunk-sized reads (never the whole file in memory), counting
 * bytes through `onBytes`. The file is opened when iteration starts and closed when it ends.
 */
export async function* readFileChunks(
  path: string,
  onBytes: (n: number) => void
): AsyncGenerator<Uint8Array> {
  const handle = await openForImport(path)
  const stream = handle.createReadStream({ highWaterMark: CHUNK_SIZE_BYTES, autoClose: false })
  try {
    for await (const chunk of stream as AsyncIterable<Uint8Array>) {
      onBytes(chunk.byteLength)
      yield chunk
    }
  } catch (err) {
    throw new FileUnreadableError(path, `read failed (${describeError(err)})`, { cause: err })
  } finally {
    stream.destroy()
    await handle.close().catch(() => {})
  }
}
