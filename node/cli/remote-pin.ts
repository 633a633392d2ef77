import type { RemotePinResult } from '../sharing/index.js'
import { apiRequest } from './api-client.js'
import type { Flags } from './args.js'
import { EXIT } from './exit-codes.js'
import type { Output } from './output.js'
import { formatBytes, parseDuration } from './units.js'

export const REMOTE_PIN_USAGE = `       rynus-node assets pin <cid> --remote [--duration 7d] | unpin <cid> --remote

--remote asks every connected super-peer to keep the CID's whole DAG (fetched from this node,
       so stay online until it answers) for --duration (default storage.pinDurationMs), or with
       unpin to drop this node's pin there; the data then outlives this node being online and is
       readable on the super-peer's HTTP gateway.`

function line(r: RemotePinResult, release: boolean): string {
  if (!r.accepted) return `  refused by ${r.peer}: ${r.code} ${r.reason}`
  if (release) return `  released on ${r.peer}`
  return `  pinned on ${r.peer} until ${new Date(r.expiresAt).toISOString()} (${formatBytes(r.bytes)})`
}

/** `assets pin|unpin <cid> --remote`: through the running node's API, one line per super-peer. */
export async function remotePin(
  dataDir: string,
  sub: 'pin' | 'unpin',
  cid: string,
  flags: Flags,
  out: Output
): Promise<number> {
  const durationMs =
    typeof flags.duration === 'string' ? parseDuration(flags.duration, '--duration') : undefined
  const release = sub === 'unpin'
  const { results } = await apiRequest<{ results: RemotePinResult[] }>(dataDir, 'POST', '/pins/remote', {
    json: { cid, durationMs, release }
  })
  if (results.length === 0) {
    out.result(
      { cid, results },
      'no connected super-peer serves pinning; connect to one (--bootstrap <its address>) and try again'
    )
    return EXIT.FAILURE
  }
  const ok = results.filter((r) => r.accepted).length
  out.result(
    { cid, results },
    [
      `${release ? 'released' : 'pinned'} ${cid} on ${ok} of ${results.length} super-peers`,
      ...results.map((r) => line(r, release))
    ].join('\n')
  )
  return ok > 0 ? EXIT.OK : EXIT.FAILURE
}
