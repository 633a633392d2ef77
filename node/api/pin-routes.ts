import { PIN_REQUEST_TIMEOUT_MS } from '../../protocols/pin/index.js'
import { parseCid } from '../../storage/files/cid.js'
import type { PinRecord } from '../../storage/repos/index.js'
import type { RemotePinResult, Sharing } from '../sharing/index.js'
import { BadRequestError } from './errors.js'
import type { ApiServer } from './server.js'

export interface PinRouteDeps {
  /** Pinning and gateway parts; undefined until the node has started its data store. */
  sharing: () => Sharing | undefined
}

function sharingOf(deps: PinRouteDeps): Sharing {
  const sharing = deps.sharing()
  if (sharing === undefined) {
    throw new BadRequestError('this node has no data store (started bare); start it normally to pin')
  }
  return sharing
}

function durationOf(value: unknown): number | undefined {
  if (value === undefined) return undefined
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value <= 0) {
    throw new BadRequestError('durationMs must be a positive whole number of milliseconds', {
      durationMs: 'e.g. 604800000 for 7 days'
    })
  }
  return value
}

/**
 * Pinning on super-peers and what this node keeps for others:
 * `POST /pins/remote {cid, durationMs?, release?}` asks every connected super-peer to keep (or
 * drop) a DAG; `GET /pins/kept` lists the pins a super-peer keeps for other peers;
 * `GET /gateway` says whether the HTTP gateway is on and where.
 */
export function registerPinRoutes(api: ApiServer, deps: PinRouteDeps): void {
  api.route('POST', '/pins/remote', async (req): Promise<{ results: RemotePinResult[] }> => {
    const body = (await req.json()) as { cid?: unknown; durationMs?: unknown; release?: unknown }
    if (typeof body.cid !== 'string') throw new BadRequestError('give the CID to pin', { cid: 'required' })
    const cid = parseCid(body.cid).toString()
    const release = body.release === true
    // the super-peer answers once it has fetched the whole DAG: keep the connection open that long
    req.raw.setTimeout(PIN_REQUEST_TIMEOUT_MS)
    return { results: await sharingOf(deps).pins.pinNow(cid, durationOf(body.durationMs), release) }
  })
  api.route('GET', '/pins/kept', async (): Promise<{ pins: PinRecord[] }> => {
    const service = sharingOf(deps).pinService
    return { pins: service === undefined ? [] : await service.list() }
  })
  api.route('GET', '/gateway', (): { enabled: boolean; url?: string } => {
    const gateway = deps.sharing()?.gateway
    return gateway === undefined ? { enabled: false } : { enabled: true, url: gateway.url() }
  })
}
