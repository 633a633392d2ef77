// A render job from start to end in the browser against a running devnet: upload a .blend through the New job
// form, read the estimate, submit, watch frames appear on the job page, open one, download them all.
import assert from 'node:assert/strict'
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Download, Page } from 'playwright-core'
import { collectConsoleErrors, launchBrowser } from './browser.js'
import { parseUiAddress, TIMEOUT_MS, waitFor } from './support.js'

const FRAMES = 4
/** A render of 4 tiny frames on the devnet's CPU workers takes seconds; this is the slow-machine bound. */
const RENDER_TIMEOUT_MS = 180_000
const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])

export interface RenderFlowResult {
  jobId: string
  /** The job's state badge when its page first showed (e.g. `offered`, `running`). */
  firstState: string
  /** From Submit to the job page saying completed with every thumbnail shown. */
  secondsToComplete: number
  /** File names of the downloaded frames. */
  downloads: string[]
}

/** A devnet just started may not have its workers in the DHT yet: wait until the node finds one that renders. */
async function waitForRenderWorkers(baseUrlWithToken: string): Promise<void> {
  const { origin, token } = parseUiAddress(baseUrlWithToken)
  await waitFor(
    async () => {
      const response = await fetch(`${origin}/api/v1/workers?fresh=1`, {
        headers: { Authorization: `Bearer ${token}` }
      })
      if (!response.ok) return false
      const { workers } = (await response.json()) as {
        workers: Array<{ capabilities: string[]; freeSlots: number }>
      }
      return workers.some((w) => w.capabilities.includes('render') && w.freeSlots > 0)
    },
    'a render worker in the DHT',
    60_000
  )
}

async function shoot(page: Page, dir: string, name: string): Promise<void> {
  await page.evaluate('window.scrollTo(0, 0)')
  await page.screenshot({ path: join(dir, `${name}.png`), fullPage: true })
}

async function fillForm(page: Page, blendPath: string, dir: string): Promise<void> {
  await page.locator('#app-sidebar').getByRole('link', { name: 'GPU for Render', exact: true }).click()
  await page.getByTestId('new-job').click()
  await page.getByRole('heading', { level: 1, name: 'New render job' }).waitFor()
  await page.getByTestId('scene-file').setInputFiles(blendPath)
  await page.getByTestId('scene-ready').waitFor()
  await page.getByLabel('Frames').fill('1-4')
  await page.getByLabel('Samples').fill('4')
  await page.getByLabel('Width in pixels').fill('64')
  await page.getByLabel('Height in pixels').fill('36')
  await shoot(page, dir, 'render-form')
  await page.getByLabel('Max price per frame').fill('0.01')
}

async function checkEstimate(page: Page, dir: string): Promise<void> {
  const estimate = page.getByTestId('estimate')
  await estimate.getByTestId('estimate-cost').filter({ hasText: '0.04' }).waitFor()
  await estimate.getByTestId('estimate-match').or(estimate.getByTestId('estimate-no-match')).waitFor()
  await shoot(page, dir, 'render-estimate')
  if ((await estimate.getByTestId('estimate-match').count()) === 0) {
    const why = await estimate.getByTestId('estimate-no-match').textContent()
    assert.fail(`the estimate says no worker online can take 4 frames at 0.01: ${why}`)
  }
  assert.equal(await page.getByTestId('field-error').count(), 0, 'no field errors on a valid form')
}

/** Clicks Download all and collects one download per frame. */
async function downloadAll(page: Page, dir: string): Promise<string[]> {
  const downloads: Download[] = []
  const onDownload = (d: Download): void => {
    downloads.push(d)
  }
  page.on('download', onDownload)
  const first = page.waitForEvent('download')
  await page.getByRole('button', { name: 'Download all frames' }).click()
  await first
  await waitFor(async () => downloads.length >= FRAMES, `${FRAMES} downloads`, 60_000)
  page.off('download', onDownload)
  const names: string[] = []
  for (const download of downloads) {
    const name = download.suggestedFilename()
    const path = join(dir, name)
    await download.saveAs(path)
    const bytes = await readFile(path)
    assert.ok(bytes.subarray(0, 8).equals(PNG_SIGNATURE), `${name} is a PNG`)
    names.push(name)
  }
  return names.sort()
}

/**
 * Drives the New job form in Chromium against a devnet whose requester UI is `baseUrlWithToken`: uploads
 * `blendPath`, renders frames 1-4 at 64×36 with 4 samples for at most 0.01 tokens a frame, waits up to 3 minutes
 * for the job page to show 4 thumbnails and "Completed", opens a frame, downloads all frames, and checks the
 * console stayed clean. Screenshots (render-form, render-estimate, render-job-running, render-job-finished,
 * render-job-phone) go to `screenshotDir`. Throws an AssertionError or a Playwright timeout on failure.
 */
export async function checkRenderFlow(
  baseUrlWithToken: string,
  blendPath: string,
  screenshotDir: string
): Promise<RenderFlowResult> {
  await mkdir(screenshotDir, { recursive: true })
  const downloadDir = await mkdtemp(join(tmpdir(), 'rynus-frames-'))
  const browser = await launchBrowser()
  try {
    const context = await browser.newContext({
      viewport: { width: 1280, height: 800 },
      acceptDownloads: true
    })
    context.setDefaultTimeout(TIMEOUT_MS)
    const page = await context.newPage()
    const errors = collectConsoleErrors(page)
    await waitForRenderWorkers(baseUrlWithToken)
    await page.goto(baseUrlWithToken)
    await fillForm(page, blendPath, screenshotDir)
    await checkEstimate(page, screenshotDir)

    const submittedAt = Date.now()
    await page.getByRole('button', { name: 'Submit job' }).click()
    await page.getByRole('heading', { level: 1, name: 'Render job' }).waitFor()
    const jobId = ((await page.getByTestId('job-id').textContent()) ?? '').trim()
    assert.ok(page.url().endsWith(`#/render/${jobId}`), `the address names the job, got ${page.url()}`)
    const badge = page.getByTestId('job-summary').getByTestId('state-badge')
    const firstState = (await badge.getAttribute('data-state')) ?? ''
    await page.getByTestId('frame-grid').waitFor()
    await shoot(page, screenshotDir, 'render-job-running')

    const thumbs = page.getByTestId('frame-thumb')
    await page
      .getByTestId('job-summary')
      .locator('[data-testid="state-badge"][data-state="completed"]')
      .waitFor({ timeout: RENDER_TIMEOUT_MS })
    await waitFor(async () => (await thumbs.count()) === FRAMES, `${FRAMES} thumbnails`, 30_000)
    await waitFor(
      async () =>
        (await thumbs.evaluateAll((imgs) =>
          imgs.every((i) => (i as unknown as { naturalWidth: number }).naturalWidth === 64)
        )) === true,
      'every thumbnail decoded at 64 px wide'
    )
    const secondsToComplete = Math.round((Date.now() - submittedAt) / 100) / 10
    await page
      .getByTestId('frames-done')
      .filter({ hasText: `${FRAMES} of ${FRAMES} frames delivered` })
      .waitFor()
    await shoot(page, screenshotDir, 'render-job-finished')

    // A frame opens at full size and closes with Escape.
    await page.getByTestId('frame-tile').first().click()
    await page.getByRole('dialog').getByRole('img').waitFor()
    await page.keyboard.press('Escape')
    await page.getByRole('dialog').waitFor({ state: 'hidden' })

    const downloads = await downloadAll(page, downloadDir)
    assert.deepEqual(
      downloads,
      Array.from({ length: FRAMES }, (_, i) => `frame_${String(i + 1).padStart(4, '0')}.png`),
      'one PNG per frame, named like the node names them'
    )

    await page.getByRole('button', { name: 'Download all frames' }).waitFor()
    assert.deepEqual(errors, [], 'no console errors during the render flow')

    // The job's address works as a deep link (token in it) and the page fits a phone.
    const phone = await context.newPage()
    const phoneErrors = collectConsoleErrors(phone)
    await phone.setViewportSize({ width: 390, height: 844 })
    const { origin, token } = parseUiAddress(baseUrlWithToken)
    await phone.goto(`${origin}/#/render/${jobId}?token=${encodeURIComponent(token)}`)
    await phone.getByTestId('job-summary').locator('[data-state="completed"]').waitFor()
    await waitFor(
      async () => (await phone.getByTestId('frame-thumb').count()) === FRAMES,
      'thumbnails on the phone'
    )
    await shoot(phone, screenshotDir, 'render-job-phone')
    assert.deepEqual(phoneErrors, [], 'no console errors on the phone-sized job page')
    return { jobId, firstState, secondsToComplete, downloads }
  } finally {
    await browser.close()
    await rm(downloadDir, { recursive: true, force: true })
  }
}
