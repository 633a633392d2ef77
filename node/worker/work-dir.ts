import { createHash } from 'node:crypto'
import { chmod, mkdir, stat } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'

/** Whether every folder from `/` down to `dir` lets other users pass through (o+x). */
async function traversableByOthers(dir: string): Promise<boolean> {
  let current = resolve(dir)
  for (;;) {
    const info = await stat(current).catch(() => undefined)
    if (info !== undefined && (info.mode & 0o001) === 0) return false
    const parent = dirname(current)
    if (parent === current) return true
    current = parent
  }
}

/**
 * Where a worker puts job folders. When the node runs as root the sandbox runs jobs as an
 * unprivileged user, which must be able to walk down to the job folder: `<dataDir>/work`
 * when the data dir's parents allow that, otherwise a folder under the system temp dir (the
 * data dir itself keeps mode 0700).
 */
export async function prepareWorkRoot(dataDir: string): Promise<string> {
  const inData = join(dataDir, 'work')
  const asRoot = process.getuid?.() === 0
  if (!asRoot) {
    await mkdir(inData, { recursive: true, mode: 0o700 })
    return inData
  }
  if (await traversableByOthers(dirname(resolve(dataDir)))) {
    await chmod(dataDir, 0o711)
    await mkdir(inData, { recursive: true })
    await chmod(inData, 0o711)
    return inData
  }
  const id = createHash('sha256').update(resolve(dataDir)).digest('hex').slice(0, 12)
  const root = join(tmpdir(), `rynus-work-${id}`)
  await mkdir(root, { recursive: true })
  await chmod(root, 0o711)
  return root
}
