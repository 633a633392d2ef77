import { isIP } from 'node:net'
import type { NodeConfig } from './config.js'
import { ConfigError } from './errors.js'

function positive(value: unknown, setting: string, example: string): void {
  if (!Number.isSafeInteger(value) || (value as number) <= 0) {
    throw new ConfigError(
      `${setting} must be a positive whole number, e.g. ${example}, got ${JSON.stringify(value)}`
    )
  }
}

function bool(value: unknown, setting: string): void {
  if (typeof value !== 'boolean')
    throw new ConfigError(`${setting} must be true or false, got ${JSON.stringify(value)}`)
}

/** Checks the settings for sharing job data: pinning on super-peers and the HTTP gateway. */
export function checkSharing(cfg: NodeConfig): void {
  bool(cfg.storage?.pinOnSuperPeers, 'storage.pinOnSuperPeers')
  positive(cfg.storage.pinDurationMs, 'storage.pinDurationMs', '604800000 for 7 days')
  const p = cfg.pinning
  positive(p?.maxPinsPerPeer, 'pinning.maxPinsPerPeer', '1000')
  positive(p.maxBytesPerPeer, 'pinning.maxBytesPerPeer', '10737418240 for 10 GiB')
  positive(p.maxDurationMs, 'pinning.maxDurationMs', '604800000 for 7 days')
  positive(p.requestsPerPeerPerMinute, 'pinning.requestsPerPeerPerMinute', '600')
  positive(p.fetchTimeoutMs, 'pinning.fetchTimeoutMs', '600000 for 10 minutes')
  const g = cfg.gateway
  bool(g?.enabled, 'gateway.enabled')
  if (typeof g.host !== 'string' || isIP(g.host) === 0) {
    throw new ConfigError(
      `gateway.host must be an IP address such as 127.0.0.1, got ${JSON.stringify(g.host)}`
    )
  }
  if (!Number.isInteger(g.port) || g.port < 0 || g.port > 65535) {
    throw new ConfigError(
      `gateway.port must be a port number between 0 and 65535, got ${JSON.stringify(g.port)}`
    )
  }
  positive(g.maxConcurrentRequests, 'gateway.maxConcurrentRequests', '32')
  positive(g.requestTimeoutMs, 'gateway.requestTimeoutMs', '300000 for 5 minutes')
}
