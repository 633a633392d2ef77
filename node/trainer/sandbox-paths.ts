import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

/** The repository (or installed package) root: dist/node/trainer/ is three levels below it. */
export function packageRoot(): string {
  return resolve(dirname(fileURLToPath(import.meta.url)), '../../..')
}

/** The compiled training process entry. */
export function trainWorkerScript(): string {
  return join(dirname(fileURLToPath(import.meta.url)), 'train-worker.js')
}

/**
 * Host paths the training process must see, read-only, inside the sandbox at the same place: the
 * Node binary, the compiled code, the dependencies, and package.json (it marks the .js files as
 * ES modules). /usr is visible already.
 */
export function trainerReadOnlyPaths(): string[] {
  const root = packageRoot()
  const paths = [process.execPath, join(root, 'dist'), join(root, 'node_modules'), join(root, 'package.json')]
  const outside = paths.filter((p) => !p.startsWith('/usr/'))
  return outside.filter((p) => !outside.some((other) => other !== p && p.startsWith(`${other}/`)))
}

const quote = (text: string): string => `'${text.replaceAll("'", `'\\''`)}'`

/**
 * The sandbox (node/sandbox) binds only /usr, a few /etc files and the job folder, and has no
 * option for more yet. Until it does, this writes a tiny bwrap wrapper that adds read-only binds
 * of `paths` to runSandboxed's command line (just before its final read-only remounts) and
 * passes everything else through unchanged, so every other sandbox rule stays as it is.
 * Remove once SandboxSpec takes read-only binds.
 */
export async function bwrapWithReadOnlyPaths(
  paths: readonly string[],
  bwrap = 'bwrap'
): Promise<{ path: string; dispose: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'rynus-train-bwrap-'))
  // bwrap may run as another uid (65534 when the node is root): it must read and run the wrapper
  await chmod(dir, 0o755)
  const binds = paths.map((p) => `--ro-bind ${quote(p)} ${quote(p)}`).join(' ')
  const script = [
    '#!/bin/sh',
    'inserted=0',
    'for arg do',
    '  shift',
    '  if [ "$inserted" = 0 ] && [ "$arg" = --remount-ro ]; then',
    `    set -- "$@" ${binds}`,
    '    inserted=1',
    '  fi',
    '  set -- "$@" "$arg"',
    'done',
    `exec ${quote(bwrap)} "$@"`,
    ''
  ].join('\n')
  const path = join(dir, 'bwrap')
  await writeFile(path, script, { mode: 0o755 })
  return { path, dispose: () => rm(dir, { recursive: true, force: true }) }
}
