import { readFileSync } from 'node:fs'
import { version as libp2pVersion } from 'libp2p/version'

function readOwnVersion(): string {
  // dist/node/version.js and node/version.ts both sit below the package root
  for (const rel of ['../../package.json', '../package.json']) {
    try {
      const pkg = JSON.parse(readFileSync(new URL(rel, import.meta.url), 'utf8')) as {
        name?: string
        version?: string
      }
      if (pkg.name === 'rynus-node' && typeof pkg.version === 'string') return pkg.version
    } catch {}
  }
  return '0.0.0'
}

export const RYNUS_VERSION = readOwnVersion()

export interface Versions {
  rynus: string
  libp2p: string
  node: string
}

export function versions(): Versions {
  return { rynus: RYNUS_VERSION, libp2p: libp2pVersion, node: process.versions.node }
}

/** The repository root (where package.json and webui/ live), from dist/node or node/. */
export function packageRoot(): string {
  const here = new URL('.', import.meta.url)
  const up = here.pathname.includes('/dist/node/') ? '../../' : '../'
  return new URL(up, here).pathname
}
