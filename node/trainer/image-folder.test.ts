import assert from 'node:assert/strict'
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { generateShapes } from '../../simulations/assets/train/generate-shapes.js'
import { ImageDatasetError } from './errors.js'
import { imageShapeErrors, readImageFolder, stratifiedHoldOut } from './image-folder.js'

async function folderError(root: string): Promise<Record<string, string>> {
  try {
    await readImageFolder(root, [28, 28, 1])
  } catch (err) {
    assert.ok(err instanceof ImageDatasetError, String(err))
    assert.equal(err.code, 'ERR_TRAIN_DATASET')
    return err.fields
  }
  return assert.fail('the folder was accepted')
}

describe('image folders', () => {
  let dir: string
  let shapes: string
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'rynus-images-test-'))
    shapes = join(dir, 'shapes')
    generateShapes(shapes, 10)
  })
  after(() => rm(dir, { recursive: true, force: true }))

  /** A copy of the shapes folder changed by `change`. */
  async function variant(name: string, change: (root: string) => Promise<void>): Promise<string> {
    const root = join(dir, name)
    generateShapes(root, 4)
    await change(root)
    return root
  }

  it('reads one row per image, classes from the subfolders, in a fixed order', async () => {
    const folder = await readImageFolder(shapes, [14, 14, 1])
    assert.equal(folder.dataset.labels.length, 30)
    assert.deepEqual([...new Set(folder.dataset.labels)], ['circle', 'square', 'triangle'])
    assert.equal(folder.files[0], 'circle/000.png')
    assert.equal(folder.dataset.featureNames.length, 14 * 14)
    assert.ok(folder.dataset.features.every((v) => v >= 0 && v <= 1))
    const again = await readImageFolder(shapes, [14, 14, 1])
    assert.deepEqual(again.dataset.features, folder.dataset.features, 'the same file gives the same numbers')
  })

  it('names each bad file, an empty class and a single class as field errors', async () => {
    const bad = await variant('bad', async (root) => {
      await writeFile(join(root, 'circle', 'notes.png'), 'this is text, not a picture\n')
      await writeFile(join(root, 'square', 'readme.txt'), 'hello')
      await writeFile(join(root, 'stray.png'), 'x')
      await mkdir(join(root, 'hexagon'))
      await symlink('/etc/passwd', join(root, 'triangle', 'link.png'))
    })
    const fields = await folderError(bad)
    assert.match(fields['dataset["square/readme.txt"]'] ?? '', /not an image; give \.png/)
    assert.match(fields['dataset["hexagon"]'] ?? '', /class folder is empty/)
    assert.match(fields['dataset["stray.png"]'] ?? '', /subfolder named after its class/)
    assert.match(fields['dataset["triangle/link.png"]'] ?? '', /not a regular file/)
    // the text file only shows once the structure is right
    const text = await variant('text', async (root) => {
      await writeFile(join(root, 'circle', 'notes.png'), 'this is text, not a picture\n')
    })
    assert.match((await folderError(text))['dataset["circle/notes.png"]'] ?? '', /not a PNG or JPEG image/)
    const single = join(dir, 'single')
    generateShapes(single, 2)
    await rm(join(single, 'square'), { recursive: true })
    await rm(join(single, 'triangle'), { recursive: true })
    assert.match((await folderError(single)).dataset ?? '', /1 class subfolder; give at least 2/)
  })

  it('holds back a seeded slice of every class', async () => {
    const folder = await readImageFolder(shapes, [8, 8, 1])
    const { kept, heldOut } = stratifiedHoldOut(folder, 0.2, 5)
    const count = (labels: string[], c: string): number => labels.filter((l) => l === c).length
    for (const c of ['circle', 'square', 'triangle']) {
      assert.equal(count(heldOut.dataset.labels, c), 2, `${c}: 20 % of 10`)
      assert.equal(count(kept.dataset.labels, c), 8)
    }
    assert.equal(new Set([...kept.files, ...heldOut.files]).size, 30, 'no image on both sides')
    assert.deepEqual(stratifiedHoldOut(folder, 0.2, 5).heldOut.files, heldOut.files)
    assert.notDeepEqual(stratifiedHoldOut(folder, 0.2, 6).heldOut.files, heldOut.files)
  })

  it('checks image shapes', () => {
    assert.deepEqual(imageShapeErrors('s', [28, 28, 1]), {})
    assert.deepEqual(imageShapeErrors('s', [32, 32, 3]), {})
    for (const bad of [[28, 28], [0, 28, 1], [28, 28, 2], [4096, 28, 1], '28x28'])
      assert.match(imageShapeErrors('s', bad).s ?? '', /height, width, channels/)
  })
})
