import { chmod, mkdtemp, readFile, rename, writeFile } from 'node:fs/promises'
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

/** A directory for fake tools. */
export function fakeToolDir(): Promise<string> {
  return mkdtemp(join(tmpdir(), 'rynus-hardware-'))
}

/** Writes an executable shell script (replacing it atomically, so it may be running meanwhile). */
export async function fakeTool(dir: string, name: string, script: string): Promise<string> {
  const path = join(dir, name)
  await writeFile(`${path}.new`, `#!/bin/sh\n${script}\n`)
  await chmod(`${path}.new`, 0o755)
  await rename(`${path}.new`, path)
  return path
}
