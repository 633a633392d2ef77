import type { Helia } from 'helia'
import type { CID } from 'multiformats/cid'

/** helia pin metadata: one of the node's own assets keeps this root. */
export const ASSET_PIN_METADATA_KEY = 'rynusAssetPin'
/** helia pin metadata: the root is kept for other peers (a super-peer's pins for requesters). */
export const REMOTE_PIN_METADATA_KEY = 'rynusRemotePin'

/** Who keeps a pinned root: the node's own asset, other peers, or both. */
export type PinHolder = 'asset' | 'remote'

type Pins = Helia['pins']
type Metadata = Record<string, string | number | boolean>

const KEY: Record<PinHolder, string> = { asset: ASSET_PIN_METADATA_KEY, remote: REMOTE_PIN_METADATA_KEY }

/** The holders a pin's metadata names; a pin with neither flag is an asset pin made before flags. */
function holdersOf(metadata: Metadata): Set<PinHolder> {
  const holders = new Set<PinHolder>()
  if (metadata[REMOTE_PIN_METADATA_KEY] === true) holders.add('remote')
  if (metadata[ASSET_PIN_METADATA_KEY] === true || holders.size === 0) holders.add('asset')
  return holders
}

function withHolders(metadata: Metadata, holders: Set<PinHolder>): Metadata {
  const next: Metadata = { ...metadata }
  for (const holder of ['asset', 'remote'] as const) {
    if (holders.has(holder)) next[KEY[holder]] = true
    else delete next[KEY[holder]]
  }
  return next
}

/**
 * Keeps `root` pinned for `holder`. helia has one pin per root, so an asset and other peers'
 * pins of the same DAG share it: the pin's metadata records who holds it, and it goes only when
 * the last holder lets go (`releasePin`). Pinning a new root walks the whole DAG (every block
 * must be stored or fetchable); `signal` cancels that walk.
 */
export async function holdPin(pins: Pins, root: CID, holder: PinHolder, signal?: AbortSignal): Promise<void> {
  if (await pins.isPinned(root, { signal })) {
    const { metadata } = await pins.get(root, { signal })
    const holders = holdersOf(metadata)
    if (holders.has(holder) && metadata[KEY[holder]] === true) return
    holders.add(holder)
    await pins.setMetadata(root, withHolders(metadata, holders), { signal })
    return
  }
  for await (const _ of pins.add(root, { metadata: { [KEY[holder]]: true }, signal })) {
    // the walk happens as the generator is consumed
  }
}

/** `holder` lets go of `root`: the pin stays for the other holder, else it is removed. */
export async function releasePin(pins: Pins, root: CID, holder: PinHolder): Promise<void> {
  if (!(await pins.isPinned(root))) return
  const { metadata } = await pins.get(root)
  const holders = holdersOf(metadata)
  if (!holders.has(holder)) return
  holders.delete(holder)
  if (holders.size > 0) {
    await pins.setMetadata(root, withHolders(metadata, holders))
    return
  }
  for await (const _ of pins.rm(root)) {
    // removing walks the DAG to drop its block references
  }
}

/** Who holds `root`'s pin now (empty when it is not pinned). */
export async function pinHolders(pins: Pins, root: CID): Promise<Set<PinHolder>> {
  if (!(await pins.isPinned(root))) return new Set()
  return holdersOf((await pins.get(root)).metadata)
}
