import { CID } from 'multiformats/cid'
import {
  CAR_CONTENT_TYPE,
  GATEWAY_MAX_PATH_LENGTH,
  GATEWAY_MAX_PATH_SEGMENTS,
  RAW_CONTENT_TYPE
} from './constants.js'

/** raw: the single block; car: the whole DAG as a CARv1; file: a UnixFS file's bytes (or a folder listing). */
export type GatewayFormat = 'raw' | 'car' | 'file'

export interface GatewayRequest {
  /** The CID asked for, or once a path is resolved, the CID the path leads to. */
  cid: CID
  /** Names after the CID (`/ipfs/<cid>/renders/frame_0001.png`), each one folder step; often none. */
  path: string[]
  /**
   * For a path, the CID before it; with ?format=car the response's root, and the blocks the
   * path runs through come first, so a client can check every step from the root.
   */
  root?: CID
  /** Blocks read to resolve the path, in order (set by resolvePath). */
  pathBlocks?: CID[]
  format: GatewayFormat
  /** `?filename=`: the name to offer for the download. */
  filename?: string
  /** `?download=true`: ask the browser to save rather than show. */
  download: boolean
}

/** An answer without content: a status and a line of text for a person. */
export interface GatewayRefusal {
  status: number
  message: string
}

function formatFromAccept(accept: string | undefined): GatewayFormat | GatewayRefusal {
  for (const item of (accept ?? '').split(',')) {
    const [type, ...params] = item.split(';').map((s) => s.trim().toLowerCase())
    if (type === RAW_CONTENT_TYPE) return 'raw'
    if (type === CAR_CONTENT_TYPE) {
      const version = params.find((p) => p.startsWith('version='))
      if (version !== undefined && version !== 'version=1') {
        return {
          status: 406,
          message: 'only CAR version 1 is served; ask for application/vnd.ipld.car; version=1'
        }
      }
      return 'car'
    }
  }
  return 'file'
}

/**
 * Reads `/ipfs/<cid>[/<name>…]` with `?format=raw|car` (which wins) or an Accept header naming
 * application/vnd.ipld.raw or application/vnd.ipld.car. Anything else is a plain download.
 */
export function parseGatewayRequest(url: URL, accept: string | undefined): GatewayRequest | GatewayRefusal {
  if (url.pathname.length > GATEWAY_MAX_PATH_LENGTH) return { status: 414, message: 'the path is too long' }
  const parts = url.pathname.split('/').filter(Boolean)
  if (parts[0] !== 'ipfs') {
    return { status: 404, message: 'not found; this gateway serves GET /ipfs/<cid>' }
  }
  if (parts.length < 2) return { status: 400, message: 'give a CID: GET /ipfs/<cid>' }
  const path = pathSegments(parts.slice(2))
  if (!Array.isArray(path)) return path
  let cid: CID
  try {
    cid = CID.parse(decodeURIComponent(parts[1]))
  } catch {
    return {
      status: 400,
      message: `"${parts[1].slice(0, 100)}" is not a valid CID; copy the whole content id (it starts with "bafy" or "Qm")`
    }
  }
  const param = url.searchParams.get('format')
  let format: GatewayFormat | GatewayRefusal
  if (param === null || param === '') format = formatFromAccept(accept)
  else if (param === 'raw' || param === 'car') format = param
  else return { status: 400, message: `format must be raw or car, got "${param.slice(0, 20)}"` }
  if (typeof format !== 'string') return format
  const filename = url.searchParams.get('filename') ?? undefined
  return {
    cid,
    path,
    format,
    filename: filename === '' ? undefined : filename,
    download: url.searchParams.get('download') === 'true'
  }
}

/** The names of a path inside a DAG, decoded; a refusal for a name no folder entry can have. */
function pathSegments(raw: string[]): string[] | GatewayRefusal {
  if (raw.length > GATEWAY_MAX_PATH_SEGMENTS) {
    return { status: 414, message: `a path of more than ${GATEWAY_MAX_PATH_SEGMENTS} names is not served` }
  }
  const names: string[] = []
  for (const part of raw) {
    let name: string
    try {
      name = decodeURIComponent(part)
    } catch {
      return { status: 400, message: `"${part.slice(0, 100)}" is not a valid URL-encoded name` }
    }
    if (name === '.' || name === '..' || name.includes('/') || name.includes('\0')) {
      return { status: 400, message: `"${part.slice(0, 100)}" cannot be the name of a folder entry` }
    }
    names.push(name)
  }
  return names
}

/** A Content-Disposition header for `name` (ASCII fallback plus the UTF-8 form). */
export function contentDisposition(kind: 'inline' | 'attachment', name: string): string {
  const ascii = name.replace(/[^\x20-\x7e]|["\\]/g, '_')
  return `${kind}; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(name)}`
}
