import type { FileHandle } from 'node:fs/promises'

/**
 * Writes `pieces` into `handle` from `position` on with as few writev calls as the kernel
 * allows (one, for a block's ~17 pieces), so bytes that arrived in pieces reach the disk
 * without first being copied into one buffer.
 */
export async function writePieces(
  handle: FileHandle,
  pieces: Uint8Array[],
  position: number
): Promise<number> {
  let left = pieces.filter((p) => p.byteLength > 0)
  let at = position
  while (left.length > 0) {
    const { bytesWritten } = await handle.writev(left, at)
    if (bytesWritten <= 0) throw new Error(`writev wrote ${bytesWritten} bytes`)
    at += bytesWritten
    // drop what was written: whole pieces, then the written head of the next one
    let skip = bytesWritten
    let i = 0
    while (i < left.length && skip >= left[i].byteLength) skip -= left[i++].byteLength
    left = left.slice(i)
    if (skip > 0) left[0] = left[0].subarray(skip)
  }
  return at - position
}
