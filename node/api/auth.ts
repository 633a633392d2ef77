import { timingSafeEqual } from 'node:crypto'
import type { IncomingMessage } from 'node:http'

function same(a: string, b: string): boolean {
  const x = Buffer.from(a)
  const y = Buffer.from(b)
  return x.byteLength === y.byteLength && timingSafeEqual(x, y)
}

/** The token from `Authorization: Bearer <token>` or, for WebSockets and links, `?token=`. */
export function presentedToken(req: IncomingMessage, url: URL): string | undefined {
  const header = req.headers.authorization
  if (typeof header === 'string' && header.startsWith('Bearer ')) return header.slice('Bearer '.length).trim()
  return url.searchParams.get('token') ?? undefined
}

export function isAuthorized(req: IncomingMessage, url: URL, token: string): boolean {
  const presented = presentedToken(req, url)
  return presented !== undefined && same(presented, token)
}
