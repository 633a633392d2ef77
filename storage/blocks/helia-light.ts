import type { Helia, HeliaInit } from 'helia'

type HeliaClass = new (init: Partial<HeliaInit> & { name: string; version: string }) => Helia

/**
 * helia's own `Helia` class, loaded from its module file rather than the package index. The
 * index also imports `@helia/libp2p`, whose default libp2p config pulls in WebRTC and its
 * native library: about 75 MB of RSS in every node process for code a Rynus node never runs
 * (it gives helia its own libp2p). Undefined when helia's files are laid out otherwise; the
 * caller then uses the index's `createHeliaLight`, which builds the same class.
 */
async function loadHeliaClass(): Promise<HeliaClass | undefined> {
  try {
    const index = import.meta.resolve('helia')
    const mod = (await import(new URL('./helia.js', index).href)) as { Helia?: HeliaClass }
    return typeof mod.Helia === 'function' ? mod.Helia : undefined
  } catch {
    return undefined
  }
}

const HeliaLight = await loadHeliaClass()

/** `createHeliaLight` (no routing, no block brokers of helia's own) without helia's index. */
export async function createLightHelia(init: Partial<HeliaInit>): Promise<Helia> {
  if (HeliaLight !== undefined) return new HeliaLight({ name: 'helia', version: 'rynus', ...init })
  const { createHeliaLight } = await import('helia')
  return createHeliaLight(init)
}
