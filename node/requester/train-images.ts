import { mkdir, mkdtemp, rm, stat } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { basename, join } from 'node:path'
import { unixfs } from '@helia/unixfs'
import type { Helia } from 'helia'
import { exportDirectory, importDirectory, parseCid } from '../../storage/files/index.js'
import { copyImages, type ImageFolder, readImageFolder, stratifiedHoldOut } from '../trainer/image-folder.js'
import type { ImageShape } from '../trainer/image-resize.js'

/** Folders of a staged image job: what workers receive and what only this node keeps. */
export const SENT_IMAGES = 'sent'
export const HELD_OUT_IMAGES = 'heldout'

/** An image-folder dataset split and published: `dir` holds `sent/` and `heldout/` until the store takes them. */
export interface PreparedImages {
  kept: ImageFolder
  heldOut: ImageFolder
  /** UnixFS folder of the sent images (class subfolders), as workers fetch it. */
  cid: string
  /** Bytes of the sent image files. */
  bytes: number
  name: string
  dir: string
  dispose: () => Promise<void>
}

/** Whether a dataset source is a folder (an image dataset) rather than a file. */
export async function isFolderSource(
  helia: Helia,
  source: { cid: string } | { path: string }
): Promise<boolean> {
  if ('path' in source) return (await stat(source.path).catch(() => undefined))?.isDirectory() === true
  const info = await unixfs(helia).stat(parseCid(source.cid), { signal: AbortSignal.timeout(30_000) })
  return info.type === 'directory'
}

/**
 * Reads an image folder (a local path, or a UnixFS folder fetched from helia up to `maxBytes`),
 * keeps back a stratified held-out slice (`fraction` of every class, seeded), and publishes the
 * rest as a folder of the original files. Bad folders fail here with ImageDatasetError, before
 * anything is offered.
 */
export async function prepareImages(
  helia: Helia,
  source: { cid: string; name?: string } | { path: string },
  opts: { shape: ImageShape; fraction: number; seed: number; maxBytes: number; stagingDir?: string }
): Promise<PreparedImages> {
  const root = opts.stagingDir ?? tmpdir()
  await mkdir(root, { recursive: true })
  const dir = await mkdtemp(join(root, 'images-'))
  const dispose = (): Promise<void> => rm(dir, { recursive: true, force: true })
  try {
    let from: string
    let name: string
    if ('path' in source) {
      from = source.path
      name = basename(source.path)
    } else {
      from = join(dir, 'upload')
      const tooBig = new AbortController()
      await exportDirectory(helia, source.cid, from, {
        signal: tooBig.signal,
        onProgress: ({ bytes }) => {
          if (bytes > opts.maxBytes)
            tooBig.abort(new Error(`the image folder is larger than ${opts.maxBytes} bytes`))
        }
      })
      name = source.name ?? 'images'
    }
    const folder = await readImageFolder(from, opts.shape)
    const { kept, heldOut } = stratifiedHoldOut(folder, opts.fraction, opts.seed)
    const sent = join(dir, SENT_IMAGES)
    await copyImages(from, kept.files, sent)
    await copyImages(from, heldOut.files, join(dir, HELD_OUT_IMAGES))
    if ('cid' in source) await rm(from, { recursive: true, force: true })
    const { cid, size } = await importDirectory(helia, sent)
    return { kept, heldOut, cid, bytes: size, name, dir, dispose }
  } catch (err) {
    await dispose()
    throw err
  }
}
