import { chmod, copyFile, mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { packageRoot } from './sandbox-paths.js'

/** The committed 600-row, 3-class species dataset (source tree, not dist). */
export const SPECIES_CSV = join(packageRoot(), 'simulations/assets/train/species.csv')

/** A small MLP job on the species CSV; `overrides` replace top-level fields. */
export function speciesParams(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    model: { kind: 'template', name: 'mlp', hidden: [16] },
    dataset: { cid: 'bafkreispecies', name: 'species.csv', format: 'csv', labelColumn: 'species' },
    preprocessing: { normalize: true, oneHot: true, shuffleSeed: 7, validationSplit: 0.2 },
    optimizer: 'adam',
    learningRate: 0.02,
    loss: 'categoricalCrossentropy',
    metrics: ['accuracy'],
    epochs: 12,
    batchSize: 32,
    ...overrides
  }
}

/** The small CNN on 28 × 28 grayscale shapes, as a requester would submit it. */
export function shapesParams(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    model: { kind: 'template', name: 'cnn-small', filters: [8, 16], hidden: [32], inputShape: [28, 28, 1] },
    dataset: { cid: 'bafkreishapes', name: 'shapes', format: 'image-folder', imageShape: [28, 28, 1] },
    preprocessing: { normalize: false, oneHot: true, shuffleSeed: 3, validationSplit: 0.2 },
    optimizer: 'adam',
    learningRate: 0.005,
    loss: 'categoricalCrossentropy',
    metrics: ['accuracy'],
    epochs: 20,
    batchSize: 32,
    ...overrides
  }
}

/** A scratch folder the sandbox uid can traverse (it may run as another uid than the test). */
export async function makeScratch(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'rynus-trainer-test-'))
  await chmod(dir, 0o755)
  return dir
}

export async function removeScratch(dir: string): Promise<void> {
  await rm(dir, { recursive: true, force: true })
}

/** A fresh job folder under `scratch`, with `csv` (default the species CSV) as data.csv. */
export async function newJobDir(scratch: string, csv = SPECIES_CSV): Promise<string> {
  const dir = await mkdtemp(join(scratch, 'job-'))
  await chmod(dir, 0o755)
  await copyFile(csv, join(dir, 'data.csv'))
  return dir
}
