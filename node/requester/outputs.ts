import { mkdir, readFile, rename } from 'node:fs/promises'
import { join } from 'node:path'
import { peerIdFromString } from '@libp2p/peer-id'
import type { Helia } from 'helia'
import { describeError } from '../../protocols/common/errors.js'
import type { Logger } from '../../protocols/common/logger.js'
import type { JobSpec, Verdict } from '../../scheduler/index.js'
import { exportToFile } from '../../storage/files/index.js'
import type { TaskOutput } from '../../storage/repos/index.js'
import type { RynusLibp2p } from '../libp2p/types.js'
import { imageSize } from './image-size.js'

export const OUTPUT_FETCH_TIMEOUT_MS = 60_000

const EXTENSIONS: Record<string, string> = { PNG: 'png', JPEG: 'jpg', OPEN_EXR: 'exr' }

/** `frame_0007.png` for frame 7 of a PNG job. */
export function frameFileName(spec: JobSpec, frame: number): string {
  return `frame_${String(frame).padStart(4, '0')}.${EXTENSIONS[spec.render?.format ?? 'PNG'] ?? 'bin'}`
}

/**
 * The requester's check of a delivered render task: fetch every frame from the worker over
 * bitswap into the job's results folder and look at it — a PNG/JPEG must have the resolution
 * the job asked for. A frame that cannot be fetched or is wrong rejects the whole task.
 */
export async function fetchOutputs(
  c: { helia: Helia; libp2p: RynusLibp2p; logger: Logger },
  task: { spec: JobSpec; worker: string; outputs: Record<string, TaskOutput>; dir: string; taskId: string }
): Promise<Verdict> {
  const { spec, worker, outputs, dir } = task
  const want = spec.render?.resolution
  await mkdir(dir, { recursive: true })
  await c.libp2p
    .dial(peerIdFromString(worker), { signal: AbortSignal.timeout(10_000) })
    .catch(() => undefined)
  for (const [unit, output] of Object.entries(outputs)) {
    const frame = Number(unit)
    const final = join(dir, frameFileName(spec, frame))
    const staged = `${final}.${task.taskId}.part`
    try {
      await exportToFile(c.helia, output.cid, staged, { timeoutMs: OUTPUT_FETCH_TIMEOUT_MS })
    } catch (err) {
      return { ok: false, reason: `frame ${frame} could not be fetched: ${describeError(err)}` }
    }
    const bytes = await readFile(staged)
    if (bytes.byteLength !== output.bytes) {
      return {
        ok: false,
        reason: `frame ${frame} is ${bytes.byteLength} bytes, the worker said ${output.bytes}`
      }
    }
    if (want !== undefined && spec.render?.format !== 'OPEN_EXR') {
      const size = imageSize(bytes)
      if (size === undefined)
        return { ok: false, reason: `frame ${frame} is not a ${spec.render?.format} image` }
      if (size.width !== want.x || size.height !== want.y) {
        return {
          ok: false,
          reason: `frame ${frame} is ${size.width}x${size.height}, the job asked for ${want.x}x${want.y}`
        }
      }
    }
    await rename(staged, final)
  }
  c.logger.debug('task outputs fetched and checked', {
    taskId: task.taskId,
    frames: Object.keys(outputs).length
  })
  return { ok: true }
}
