import type { PeerId, PrivateKey } from '@libp2p/interface'
import { describeError } from '../protocols/common/errors.js'
import type { Logger } from '../protocols/common/logger.js'
import { recordKey, signRecord, verifyRecord } from '../protocols/dht-record/record.js'
import { decodeProfile, type NodeProfile, PROFILE_KIND } from '../protocols/profile/index.js'
import type { RynusLibp2p } from './libp2p/types.js'

/** Signs `payload` as this peer's record of `kind` and stores it in the DHT. */
export async function putRecord(
  libp2p: RynusLibp2p,
  privateKey: PrivateKey,
  record: { kind: string; payload: Uint8Array; ttlMs: number },
  signal: AbortSignal
): Promise<void> {
  const value = await signRecord(privateKey, record.kind, record.payload, record.ttlMs)
  for await (const _event of libp2p.services.dht.put(recordKey(record.kind, libp2p.peerId), value, {
    signal
  })) {
    // drain the query
  }
}

/** A peer's profile from the DHT, checked against its key; undefined when no valid one is found. */
export async function lookupProfile(
  libp2p: RynusLibp2p,
  peerId: PeerId,
  signal: AbortSignal,
  log: Logger
): Promise<NodeProfile | undefined> {
  const key = recordKey(PROFILE_KIND, peerId)
  try {
    for await (const event of libp2p.services.dht.get(key, { signal })) {
      if (event.name !== 'VALUE') continue
      try {
        return decodeProfile((await verifyRecord(key, event.value)).payload)
      } catch (err) {
        log.debug('ignoring invalid profile record', { error: describeError(err) })
      }
    }
  } catch (err) {
    log.debug('profile lookup failed', { peer: peerId.toString(), error: describeError(err) })
  }
  return undefined
}
