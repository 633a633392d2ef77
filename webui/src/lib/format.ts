// Display helpers for peer ids, durations and multiaddrs.

/** `12D3KooWAbc…xyz9`: enough to tell peers apart without wrapping a table. */
export function shortPeerId(peerId: string, head = 8, tail = 6): string {
  if (peerId.length <= head + tail + 1) return peerId
  return `${peerId.slice(0, head)}…${peerId.slice(-tail)}`
}

/** `3d 4h`, `5h 12m`, `7m 03s`, `42s`. */
export function formatUptime(totalSeconds: number): string {
  const s = Math.max(0, Math.floor(totalSeconds))
  const days = Math.floor(s / 86_400)
  const hours = Math.floor((s % 86_400) / 3600)
  const minutes = Math.floor((s % 3600) / 60)
  const seconds = s % 60
  if (days > 0) return `${days}d ${hours}h`
  if (hours > 0) return `${hours}h ${String(minutes).padStart(2, '0')}m`
  if (minutes > 0) return `${minutes}m ${String(seconds).padStart(2, '0')}s`
  return `${seconds}s`
}

export function formatLatency(latencyMs: number | undefined): string {
  if (latencyMs === undefined || !Number.isFinite(latencyMs)) return '—'
  if (latencyMs < 1) return '<1 ms'
  if (latencyMs < 10) return `${latencyMs.toFixed(1)} ms`
  return `${Math.round(latencyMs)} ms`
}

/** Seconds since `startedAt` at time `now`, never negative; falls back to `fallback` for an unreadable date. */
export function secondsSince(startedAt: string, now: number, fallback = 0): number {
  const started = Date.parse(startedAt)
  if (Number.isNaN(started)) return fallback
  return Math.max(0, Math.floor((now - started) / 1000))
}

/** The transport of a multiaddr in words: `TCP`, `WebSocket`, `Relay`… for the compact address badges. */
export function addressTransport(address: string): string {
  if (address.includes('/p2p-circuit')) return 'Relay'
  if (address.includes('/wss') || address.includes('/tls/ws')) return 'WebSocket (TLS)'
  if (address.includes('/ws')) return 'WebSocket'
  if (address.includes('/quic')) return 'QUIC'
  if (address.includes('/webrtc')) return 'WebRTC'
  if (address.includes('/tcp/')) return 'TCP'
  return 'Other'
}

export type AddressScope = 'loopback' | 'private' | 'public' | 'name'

/** Who can dial an address: this machine only, the local network, anyone, or it depends on a DNS name. */
export function addressScope(address: string): AddressScope {
  const ip4 = /\/ip4\/(\d+)\.(\d+)\.\d+\.\d+/.exec(address)
  if (ip4) {
    const a = Number(ip4[1])
    const b = Number(ip4[2])
    if (a === 127) return 'loopback'
    const isPrivate =
      a === 10 ||
      (a === 192 && b === 168) ||
      (a === 172 && b >= 16 && b <= 31) ||
      (a === 169 && b === 254) ||
      (a === 100 && b >= 64 && b <= 127)
    return isPrivate ? 'private' : 'public'
  }
  const ip6 = /\/ip6\/([^/]+)/.exec(address)
  if (ip6) {
    const host = (ip6[1] ?? '').toLowerCase()
    if (host === '::1') return 'loopback'
    return host.startsWith('fe80') || host.startsWith('fc') || host.startsWith('fd') ? 'private' : 'public'
  }
  if (/\/dns(4|6|addr)?\/localhost(\/|$)/.test(address)) return 'loopback'
  return 'name'
}

/** Splits advice text on `backticks` so commands can be shown in code style: odd segments are code. */
export function splitCode(text: string): { text: string; code: boolean }[] {
  return text
    .split('`')
    .map((part, i) => ({ text: part, code: i % 2 === 1 }))
    .filter((part) => part.text !== '')
}

const REACHABILITY_LABELS: Record<string, string> = {
  public: 'Public',
  relay: 'Via relay',
  'lan-only': 'LAN only',
  unknown: 'Unknown'
}

export function reachabilityLabel(status: string): string {
  return REACHABILITY_LABELS[status] ?? status
}

/** `1.5 GB`, `24 GB`, `840 KB`: binary units, named the way operating systems show them. */
export function formatBytes(bytes: number): string {
  if (!Number.isFinite(bytes) || bytes < 0) return '—'
  if (bytes === 0) return '0 GB'
  const units = ['B', 'KB', 'MB', 'GB', 'TB', 'PB']
  let value = bytes
  let unit = 0
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024
    unit += 1
  }
  const digits = unit === 0 || value >= 100 || Number.isInteger(value) ? 0 : 1
  return `${value.toFixed(digits).replace(/\.0$/, '')} ${units[unit]}`
}

/** `just now`, `42s ago`, `7m 03s ago`… for a time in ms since the epoch. */
export function formatAgo(at: number, now: number): string {
  const seconds = Math.floor((now - at) / 1000)
  if (!Number.isFinite(seconds)) return ''
  if (seconds < 5) return 'just now'
  if (seconds < 60) return `${seconds}s ago`
  return `${formatUptime(seconds)} ago`
}
