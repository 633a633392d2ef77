import type { Multiaddr } from '@multiformats/multiaddr'

export type ReachabilityStatus = 'public' | 'relay' | 'lan-only' | 'unknown'

export interface Reachability {
  status: ReachabilityStatus
  summary: string
  advice: string[]
}

const PRIVATE_V4 = [
  /^10\./,
  /^192\.168\./,
  /^172\.(1[6-9]|2\d|3[01])\./,
  /^127\./,
  /^169\.254\./,
  /^100\.(6[4-9]|[7-9]\d|1[01]\d|12[0-7])\./
]

export function isPrivateHost(host: string): boolean {
  if (host.includes(':')) {
    const h = host.toLowerCase()
    return h === '::1' || h === '::' || h.startsWith('fe80:') || h.startsWith('fc') || h.startsWith('fd')
  }
  return host === '0.0.0.0' || PRIVATE_V4.some((re) => re.test(host))
}

function hostOf(addr: Multiaddr): string | undefined {
  const c = addr
    .getComponents()
    .find(
      (x) =>
        x.name === 'ip4' || x.name === 'ip6' || x.name === 'dns4' || x.name === 'dns6' || x.name === 'dns'
    )
  return c?.value
}

/**
 * Decides how others can reach this node from the addresses libp2p advertises
 * (verified public addresses and relay reservations included).
 */
export function classifyReachability(
  addrs: Multiaddr[],
  opts: { superPeer: boolean; relayClient: boolean }
): Reachability {
  const relayed = addrs.filter((a) => a.toString().includes('/p2p-circuit'))
  const direct = addrs.filter((a) => !a.toString().includes('/p2p-circuit'))
  const publicDirect = direct.filter((a) => {
    const host = hostOf(a)
    return host !== undefined && !isPrivateHost(host)
  })
  if (publicDirect.length > 0) {
    return {
      status: 'public',
      summary: `publicly dialable at ${publicDirect[0].toString()}`,
      advice: []
    }
  }
  if (relayed.length > 0) {
    return {
      status: 'relay',
      summary: 'reachable only through a relay (super-peer); transfers to you are slower',
      advice: [
        'forward the libp2p TCP port (default 4101) on your router to this machine, or',
        'set `announce` in config.json (or --announce) to your public address, e.g. /ip4/<public ip>/tcp/4101'
      ]
    }
  }
  if (direct.length > 0) {
    const advice = opts.superPeer
      ? [
          'a super-peer must be public: set --announce to its public address and open the TCP port in the firewall'
        ]
      : [
          'peers outside your LAN cannot dial you;',
          opts.relayClient
            ? 'connect to a super-peer (--bootstrap) so you become reachable through its relay'
            : 'enable the relay client (--relay-client true) and connect to a super-peer (--bootstrap)',
          'or forward the TCP port and set --announce to your public address'
        ]
    return {
      status: 'lan-only',
      summary: 'reachable only on this machine or LAN (no public or relay address)',
      advice
    }
  }
  return {
    status: 'unknown',
    summary: 'no listen addresses yet',
    advice: ['check the `listen` setting and that the node started']
  }
}
