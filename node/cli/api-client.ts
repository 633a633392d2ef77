import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { RynusError } from '../../protocols/common/errors.js'
import { loadConfig } from '../config/load.js'
import { API_TOKEN_FILE } from '../data-dir.js'

export const API_ADDRESS_FILE = 'api-address'

export class NodeNotRunningError extends RynusError {
  constructor(url: string, options?: ErrorOptions) {
    super(
      `no node answers at ${url}; start it with \`rynus-node start\` (same --data-dir)`,
      'ERR_NOT_RUNNING',
      options
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

/** A JSON request to the local node's API; API errors keep their code and field errors. */
export async function apiRequest<T>(
  dataDir: string,
  method: string,
  path: string,
  body?: { json: unknown } | { stream: ReadableStream | NodeJS.ReadableStream; length: number }
): Promise<T> {
  const { base, token } = await apiTarget(dataDir)
  const headers: Record<string, string> = { authorization: `Bearer ${token}` }
  let payload: string | ReadableStream | undefined
  if (body !== undefined && 'json' in body) {
    headers['content-type'] = 'application/json'
    payload = JSON.stringify(body.json)
  } else if (body !== undefined) {
    headers['content-length'] = String(body.length)
    headers['content-type'] = 'application/octet-stream'
    payload = body.stream as unknown as ReadableStream
  }
  let res: Response
  try {
    res = await fetch(`${base}/api/v1${path}`, {
      method,
      headers,
      body: payload,
      ...(payload !== undefined && typeof payload !== 'string' ? { duplex: 'half' } : {})
    } as RequestInit)
  } catch {
    throw new NodeNotRunningError(base)
  }
  const parsed = (await res.json()) as T & {
    error?: { code: string; message: string; fields?: Record<string, string> }
  }
  if (!res.ok) {
    const err = new RynusError(parsed.error?.message ?? `HTTP ${res.status}`, parsed.error?.code ?? 'ERR_API')
    Object.assign(err, { fields: parsed.error?.fields })
    throw err
  }
  return parsed
}

/** Streams a binary resource from the API into a file. */
export async function apiDownload(dataDir: string, path: string): Promise<Response> {
  const { base, token } = await apiTarget(dataDir)
  try {
    const res = await fetch(`${base}/api/v1${path}`, { headers: { authorization: `Bearer ${token}` } })
    if (!res.ok) {
      const body = (await res.json()) as { error?: { code: string; message: string } }
      throw new RynusError(body.error?.message ?? `HTTP ${res.status}`, body.error?.code ?? 'ERR_API')
    }
    return res
  } catch (err) {
    if (err instanceof RynusError) throw err
    throw new NodeNotRunningError(base)
  }
}

/** GET a JSON resource from the local node's API. */
export async function apiGet<T>(dataDir: string, path: string): Promise<T> {
  return apiRequest<T>(dataDir, 'GET', path)
}
