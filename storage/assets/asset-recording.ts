import type { Helia } from 'helia'
import { parseCid } from '../files/cid.js'
import { holdPin, pinHolders, releasePin } from '../pins/index.js'
import type { AssetIndex, VersionChange } from './asset-index.js'
import type { AssetRecord, ImportMarker } from './records.js'

/** Where a finished import or fetch is recorded: the asset index and helia's pins. */
export interface Recording {
  index: AssetIndex
  pins: Helia['pins']
}

/**
 * Records an asset whose blocks are stored, under its import marker: pins it first when
 * `record.pinned` (walking every block, or joining a pin kept for other peers), then writes
 * the record (and a watched asset's version change) in one batch, then lets go of the version
 * it replaced. A failure before the record is written drops the marker and the new pin, so
 * nothing is half-recorded; a crash while pinning leaves the marker naming the pin to drop.
 * Returns the record it replaced, if any.
 */
export async function recordAsset(
  c: Recording,
  marker: ImportMarker,
  record: AssetRecord,
  opts: { change?: VersionChange; signal?: AbortSignal } = {}
): Promise<{ replaced?: AssetRecord }> {
  const root = parseCid(record.cid)
  let pinned = false
  try {
    if (record.pinned && !(await pinHolders(c.pins, root)).has('asset')) {
      await c.index.begin({ ...marker, cid: record.cid })
      await holdPin(c.pins, root, 'asset', opts.signal)
      pinned = true
    }
    const { change } = opts
    const replaced =
      change?.drop !== undefined && change.drop !== record.cid ? await c.index.get(change.drop) : undefined
    await c.index.complete(marker.id, record, change)
    // the previous version's pin goes once the new one is recorded (a crash between leaves both pinned)
    if (replaced?.pinned === true) await releasePin(c.pins, parseCid(replaced.cid), 'asset').catch(() => {})
    return { replaced }
  } catch (err) {
    if (pinned) await releasePin(c.pins, root, 'asset').catch(() => {})
    await c.index.abandon(marker.id).catch(() => {})
    throw err
  }
}
