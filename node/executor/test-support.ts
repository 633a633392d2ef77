import { execFile } from 'node:child_process'
import { readdir, readFile } from 'node:fs/promises'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'

const run = promisify(execFile)

/** The repository root, from this file's place in dist/node/executor/ (assets are read from the source tree). */
export const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url))
export const ASSETS = `${REPO_ROOT}simulations/assets`
export const SAMPLE_SCENE = `${ASSETS}/sample-scene.blend`

/** Runs Blender directly on the host (no sandbox): for generating fixtures and for control runs. */
export async function hostBlender(args: string[], cwd: string): Promise<{ stdout: string; stderr: string }> {
  return run('blender', args, { cwd, timeout: 60_000, maxBuffer: 16 * 1024 * 1024 })
}

/** Width and height from a PNG's IHDR chunk; throws if the file is not a PNG. */
export async function pngSize(path: string): Promise<{ width: number; height: number }> {
  const bytes = await readFile(path)
  const signature = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])
  if (!bytes.subarray(0, 8).equals(signature) || bytes.toString('ascii', 12, 16) !== 'IHDR') {
    throw new Error(`${path} is not a PNG`)
  }
  return { width: bytes.readUInt32BE(16), height: bytes.readUInt32BE(20) }
}

/** Host processes whose command line contains `token`. */
export async function processesWith(token: string): Promise<number> {
  let count = 0
  for (const pid of await readdir('/proc')) {
    if (!/^\d+$/.test(pid)) continue
    const cmdline = await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '')
    if (cmdline.includes(token)) count++
  }
  return count
}
