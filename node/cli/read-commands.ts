import type { NodeStatus, PeerSummary } from '../rynus-node.js'
import { apiGet } from './api-client.js'
import { dataDirFrom, type Flags } from './args.js'
import { EXIT } from './exit-codes.js'
import type { Output } from './output.js'

/** `rynus-node status`: asks the running node's API. */
export async function statusCommand(flags: Flags, out: Output): Promise<number> {
  const dataDir = dataDirFrom(flags)
  const s = await apiGet<NodeStatus>(dataDir, '/status')
  out.result(
    s,
    [
      `peer id:      ${s.peerId}`,
      `roles:        ${s.roles.join(', ')}`,
      `reachability: ${s.reachability.status} — ${s.reachability.summary}`,
      ...s.reachability.advice.map((a) => `              ${a}`),
      `connections:  ${s.connections}`,
      `uptime:       ${s.uptimeSeconds} s`,
      `versions:     rynus ${s.versions.rynus}, libp2p ${s.versions.libp2p}, node ${s.versions.node}`,
      ...s.addresses.map((a) => `address:      ${a}`)
    ].join('\n')
  )
  return EXIT.OK
}

/** `rynus-node peers`: the peers the running node is connected to. */
export async function peersCommand(flags: Flags, out: Output): Promise<number> {
  const dataDir = dataDirFrom(flags)
  const { peers } = await apiGet<{ peers: PeerSummary[] }>(dataDir, '/peers')
  const lines = peers.map(
    (p) =>
      `${p.peerId}  ${p.direction.padEnd(8)} ${p.relayed ? 'relayed ' : 'direct  '} ${p.latencyMs !== undefined ? `${p.latencyMs} ms` : ''}  ${p.addresses[0] ?? ''}`
  )
  out.result({ peers }, peers.length === 0 ? 'no peers connected' : lines.join('\n'))
  return EXIT.OK
}
