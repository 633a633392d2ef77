import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { RynusError } from '../../protocols/common/errors.js'
import { loadConfig } from '../config/load.js'
import { API_TOKEN_FILE } from '../data-dir.js'

export const API_ADDRESS_FILE = 'api-address'

export class NodeNotRunningError extends RynusError {
  constructor(url: string) {
    super(
      `no node answers at ${url}; start it with \`rynus-node start\` (same --data-dir)`,
      'ERR_NOT_RUNNING'
    )
  }
}

/** How the CLI reaches a running node: the address it wrote at start, else its config; and its token. */
export async function apiTarget(dataDir: string): Promise<{ base: string; token: string }> {
  let base: string
  try {
    base = (await readFile(join(dataDir, API_ADDRESS_FILE), 'utf8')).trim()
  } catch {
    const cfg = await loadConfig(dataDir)
    base = `http://${cfg.api.host}:${cfg.api.port}`
  }
  let token: string
  try {
    token = (await readFile(join(dataDir, API_TOKEN_FILE), 'utf8')).trim()
  } catch {
    throw new RynusError(
      `no API token in ${dataDir}; is this the node's data dir? Run \`rynus-node init --data-dir ${dataDir}\` first`,
      'ERR_NOT_INITIALISED'
    )
  }
  return { base, token }
}

/** GET a JSON resource from the local node's API. */
export async function apiGet<T>(dataDir: string, path: string): Promise<T> {
  const { base, token } = await apiTarget(dataDir)
  let res: Response
  try {
    res = await fetch(`${base}/api/v1${path}`, {
      headers: { authorization: `Bearer ${token}` },
      signal: AbortSignal.timeout(10_000)
    })
  } catch {
    throw new NodeNotRunningError(base)
  }
  const body = (await res.json()) as T & { error?: { code: string; message: string } }
  if (!res.ok)
    throw new RynusError(body.error?.message ?? `HTTP ${res.status}`, body.error?.code ?? 'ERR_API')
  return body
}
