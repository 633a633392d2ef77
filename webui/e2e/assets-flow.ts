// The Assets page in the browser against a running devnet: upload a file with progress, see it listed, download
// it byte for byte, unpin and pin it, and delete it.
import assert from 'node:assert/strict'
import { randomBytes } from 'node:crypto'
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { collectConsoleErrors, launchBrowser } from './browser.js'
import { parseUiAddress, TIMEOUT_MS } from './support.js'

/** Uploads a 3 MiB file of random bytes (stored raw: random data does not compress) and works it through. */
export async function checkAssetsFlow(ui: string, screenshotDir: string): Promise<void> {
  const { origin, token } = parseUiAddress(ui)
  await mkdir(screenshotDir, { recursive: true })
  const dir = await mkdtemp(join(tmpdir(), 'rynus-asset-'))
  const name = `sample-${Date.now()}.bin`
  const bytes = randomBytes(3 * 1024 * 1024)
  await writeFile(join(dir, name), bytes)
  const browser = await launchBrowser()
  try {
    const context = await browser.newContext({
      viewport: { width: 1280, height: 800 },
      acceptDownloads: true
    })
    context.setDefaultTimeout(TIMEOUT_MS)
    const page = await context.newPage()
    const errors = collectConsoleErrors(page)
    await page.goto(`${origin}/#/assets?token=${encodeURIComponent(token)}`)
    await page.getByRole('heading', { level: 1, name: 'Assets' }).waitFor()
    await page.getByTestId('asset-file').setInputFiles(join(dir, name))
    await page.getByTestId('upload-asset').click()
    const row = page.getByTestId('asset-row').filter({ hasText: name })
    await row.waitFor()
    await row.getByText('pinned').waitFor()
    await page.screenshot({ path: join(screenshotDir, 'desktop-assets.png'), fullPage: true })

    const download = page.waitForEvent('download')
    await row.getByTestId('download-asset').click()
    const file = await download
    await file.saveAs(join(dir, 'downloaded'))
    assert.ok((await readFile(join(dir, 'downloaded'))).equals(bytes), 'the download is the uploaded file')

    await row.getByTestId('pin-asset').click()
    await row.getByText('pinned').waitFor({ state: 'detached' })
    await row.getByTestId('pin-asset').click()
    await row.getByText('pinned').waitFor()

    await row.getByTestId('remove-asset').click()
    await row.getByTestId('confirm-remove').click()
    await row.waitFor({ state: 'detached' })
    await page.getByTestId('asset-message').getByText(`Removed ${name}`).waitFor()
    assert.deepEqual(errors, [], 'no console errors on the Assets page')
  } finally {
    await browser.close()
    await rm(dir, { recursive: true, force: true })
  }
}
