import { chmod, mkdtemp, readFile, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join, resolve, sep } from 'node:path'
import { fileURLToPath } from 'node:url'

/**
 * Test support: the recorded tool outputs in `node/hardware/fixtures/` (read from the source
 * tree, also when the test runs compiled from `dist/`) and fake tool binaries that print them.
 */
const here = fileURLToPath(new URL('.', import.meta.url))
const distAt = here.lastIndexOf(`${sep}dist${sep}`)
const repoRoot = distAt === -1 ? resolve(here, '../..') : here.slice(0, distAt)

export const FIXTURES_DIR = join(repoRoot, 'node', 'hardware', 'fixtures')

export function readFixture(name: string): Promise<string> {
  return readFile(join(FIXTURES_DIR, name), 'utf8')
}

/** A directory for fake tools; `fakeTool` writes an executable shell script into it. */
export function fakeToolDir(): Promise<string> {
  return mkdtemp(join(tmpdir(), 'rynus-hardware-'))
}

export async function fakeTool(dir: string, name: string, script: string): Promise<string> {
  const path = join(dir, name)
  await writeFile(path, `#!/bin/sh\n${script}\n`)
  await chmod(path, 0o755)
  return path
}
