import type { Dirent } from 'node:fs'
import { copyFile, lstat, mkdir, readdir } from 'node:fs/promises'
import { join } from 'node:path'
import { FieldErrors } from '../../scheduler/spec/field-checks.js'
import { MAX_IMAGE_BYTES, MAX_IMAGE_CLASSES, MAX_IMAGE_DATASET_VALUES, MAX_IMAGES } from './constants.js'
import { shuffledIndices, subset, type TabularDataset } from './dataset.js'
import { ImageDatasetError } from './errors.js'
import { decodeImage } from './image-decode.js'
import { type ImageShape, resizeImage } from './image-resize.js'

export { imageShapeErrors } from './image-resize.js'

import { readRegularFile } from './model-files.js'

/** Field errors reported at most; the rest of a bad folder is not read. */
const MAX_REPORTED = 20
const IMAGE_NAME = /\.(png|jpe?g)$/i

/** An image folder read into rows: one row per image, its pixels as features, its class folder as label. */
export interface ImageFolder {
  dataset: TabularDataset
  /** `<class>/<file>` of each row, in row order. */
  files: string[]
  /** Bytes of all image files. */
  bytes: number
}

const byName = (a: Dirent, b: Dirent): number => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)
const visible = (d: Dirent): boolean => !d.name.startsWith('.')
const fileKey = (path: string): string => `dataset[${JSON.stringify(path)}]`

async function list(dir: string): Promise<Dirent[]> {
  return (await readdir(dir, { withFileTypes: true })).filter(visible).sort(byName)
}

/** The class folders and their image files, checked for shape and limits; nothing decoded yet. */
async function listImages(root: string, errors: FieldErrors): Promise<{ cls: string; name: string }[]> {
  let entries: Dirent[]
  try {
    entries = await list(root)
  } catch (err) {
    errors.add('dataset', `the folder cannot be read (${(err as Error).message})`)
    return []
  }
  const classes = entries.filter((d) => d.isDirectory())
  for (const d of entries.filter((d) => !d.isDirectory()).slice(0, MAX_REPORTED)) {
    errors.add(fileKey(d.name), 'put every image in a subfolder named after its class; no files at the top')
  }
  if (classes.length < 2) {
    errors.add(
      'dataset',
      `the folder has ${classes.length} class subfolder${classes.length === 1 ? '' : 's'}; give at least 2 (one subfolder per class)`
    )
  }
  if (classes.length > MAX_IMAGE_CLASSES) {
    errors.add(
      'dataset',
      `the folder has ${classes.length} class subfolders; the most is ${MAX_IMAGE_CLASSES}`
    )
    return []
  }
  const images: { cls: string; name: string }[] = []
  for (const cls of classes) {
    const files = await list(join(root, cls.name))
    if (files.length === 0)
      errors.add(fileKey(cls.name), 'the class folder is empty; add images or remove it')
    for (const f of files) {
      const path = `${cls.name}/${f.name}`
      if (errors.count >= MAX_REPORTED) return images
      if (!f.isFile()) errors.add(fileKey(path), 'not a regular file; class folders hold only image files')
      else if (!IMAGE_NAME.test(f.name))
        errors.add(fileKey(path), 'not an image; give .png, .jpg or .jpeg files')
      else {
        const size = (await lstat(join(root, cls.name, f.name))).size
        if (size > MAX_IMAGE_BYTES)
          errors.add(fileKey(path), `the file has ${size} bytes; the most is ${MAX_IMAGE_BYTES} per image`)
        else images.push({ cls: cls.name, name: f.name })
      }
    }
    if (images.length > MAX_IMAGES) {
      errors.add('dataset', `the folder has more than ${MAX_IMAGES} images`)
      return images
    }
  }
  return images
}

/**
 * Reads `<root>/<class>/<image>.png|jpg|jpeg` into a dataset: classes are the subfolders,
 * each image is decoded (PNG or JPEG by its content), resized to `shape` and scaled to [0, 1].
 * Rows come in class order, then file name order. Hidden entries (".…") are skipped. Files that
 * are no images, empty or missing classes, and images that are too large or damaged are all
 * reported as field errors (ImageDatasetError) before anything trains.
 */
export async function readImageFolder(root: string, shape: ImageShape): Promise<ImageFolder> {
  const errors = new FieldErrors()
  const images = await listImages(root, errors)
  const width = shape[0] * shape[1] * shape[2]
  if (errors.count === 0 && images.length * width > MAX_IMAGE_DATASET_VALUES) {
    errors.add(
      'dataset',
      `${images.length} images of [${shape.join(', ')}] are ${images.length * width} values; the most is ${MAX_IMAGE_DATASET_VALUES}; use fewer or smaller images`
    )
  }
  if (errors.count > 0) throw new ImageDatasetError(errors.fields)
  const features = new Float64Array(images.length * width)
  let bytes = 0
  for (const [row, image] of images.entries()) {
    const path = `${image.cls}/${image.name}`
    try {
      const file = await readRegularFile(join(root, image.cls, image.name), MAX_IMAGE_BYTES)
      bytes += file.byteLength
      features.set(resizeImage(decodeImage(file), shape), row * width)
    } catch (err) {
      errors.add(fileKey(path), (err as Error).message)
      if (errors.count >= MAX_REPORTED) break
    }
  }
  if (errors.count > 0) throw new ImageDatasetError(errors.fields)
  return {
    dataset: {
      featureNames: Array.from({ length: width }, (_, i) => `p${i}`),
      labelColumn: 'class',
      features,
      labels: images.map((i) => i.cls)
    },
    files: images.map((i) => `${i.cls}/${i.name}`),
    bytes
  }
}

/**
 * Splits off a held-out slice per class: round(`fraction` × images of the class), at least one,
 * drawn by a seeded shuffle, so every class is both trained on and checked. Throws
 * ImageDatasetError naming a class with too few images to split.
 */
export function stratifiedHoldOut(
  folder: ImageFolder,
  fraction: number,
  seed: number
): { kept: ImageFolder; heldOut: ImageFolder } {
  const labels = folder.dataset.labels
  const perClass = new Map<string, number[]>()
  for (const row of shuffledIndices(labels.length, seed)) {
    const rows = perClass.get(labels[row]!) ?? []
    rows.push(row)
    perClass.set(labels[row]!, rows)
  }
  const errors = new FieldErrors()
  const held: number[] = []
  for (const [cls, rows] of perClass) {
    const count = Math.max(1, Math.round(rows.length * fraction))
    if (count >= rows.length) {
      errors.add(
        fileKey(cls),
        `${rows.length} image(s) are too few to hold ${fraction} back; give at least 2 per class`
      )
    }
    held.push(...rows.slice(0, count))
  }
  if (errors.count > 0) throw new ImageDatasetError(errors.fields)
  const heldSet = new Set(held)
  const all = labels.map((_, i) => i)
  const pick = (rows: number[]): ImageFolder => ({
    dataset: subset(folder.dataset, rows),
    files: rows.map((r) => folder.files[r]!),
    bytes: 0
  })
  return { kept: pick(all.filter((i) => !heldSet.has(i))), heldOut: pick(all.filter((i) => heldSet.has(i))) }
}

/** Copies the image files of `files` (`<class>/<file>`) from `from` into a new folder `to`; their bytes. */
export async function copyImages(from: string, files: readonly string[], to: string): Promise<number> {
  let bytes = 0
  for (const file of files) {
    const [cls, name] = file.split('/') as [string, string]
    await mkdir(join(to, cls), { recursive: true })
    await copyFile(join(from, cls, name), join(to, cls, name))
    bytes += (await lstat(join(to, cls, name))).size
  }
  return bytes
}
