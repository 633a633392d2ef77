import { randomBytes } from 'node:crypto'
import { chmod, mkdir, readFile, rm, stat, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { generateKeyPair, privateKeyFromProtobuf, privateKeyToProtobuf } from '@libp2p/crypto/keys'
import type { PrivateKey } from '@libp2p/interface'
import { describeError } from '../protocols/common/errors.js'
import { DataDirError } from './config/errors.js'

export const PEER_KEY_FILE = 'peer-key'
export const API_TOKEN_FILE = 'api-token'

/** Creates the data dir if needed and proves it is writable, or explains what to do. */
export async function ensureDataDir(dir: string): Promise<void> {
  try {
    await mkdir(dir, { recursive: true, mode: 0o700 })
    const probe = join(dir, `.write-test-${process.pid}`)
    await writeFile(probe, 'ok')
    await rm(probe)
  } catch (err) {
    throw new DataDirError(
      `data dir ${dir} is not writable (${(err as NodeJS.ErrnoException).code ?? describeError(err)}); ` +
        'pass --data-dir with a folder you can write to, or fix its permissions',
      { cause: err }
    )
  }
}

async function writeSecret(file: string, data: Uint8Array | string): Promise<void> {
  await writeFile(file, data, { mode: 0o600, flag: 'wx' })
}

async function tightenMode(file: string): Promise<void> {
  const s = await stat(file)
  if ((s.mode & 0o077) !== 0) await chmod(file, 0o600)
}

/** The node's Ed25519 peer key: created once, then the same on every start. */
export async function loadOrCreatePeerKey(dataDir: string): Promise<PrivateKey> {
  const file = join(dataDir, PEER_KEY_FILE)
  try {
    const bytes = await readFile(file)
    await tightenMode(file)
    return privateKeyFromProtobuf(bytes)
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') {
      throw new DataDirError(
        `cannot read the peer key ${file} (${describeError(err)}); restore it from a backup, or delete it to get a new peer id`,
        { cause: err }
      )
    }
  }
  const key = await generateKeyPair('Ed25519')
  await writeSecret(file, privateKeyToProtobuf(key))
  return key
}

/** The bearer token of the local HTTP API, kept in the data dir with mode 0600. */
export async function loadOrCreateApiToken(dataDir: string): Promise<string> {
  const file = join(dataDir, API_TOKEN_FILE)
  try {
    const token = (await readFile(file, 'utf8')).trim()
    await tightenMode(file)
    if (token.length >= 32) return token
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') {
      throw new DataDirError(`cannot read ${file}: ${describeError(err)}`)
    }
  }
  const token = randomBytes(32).toString('hex')
  await rm(file, { force: true })
  await writeSecret(file, token)
  return token
}
