// A training job from start to end in the browser against a running devnet: upload a CSV through the GPU for AI
// form, pick the label, estimate, submit, watch the loss and accuracy charts fill per epoch, download the model.
import assert from 'node:assert/strict'
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Download, Page } from 'playwright-core'
import { collectConsoleErrors, launchBrowser } from './browser.js'
import { TIMEOUT_MS, waitFor } from './support.js'

/** Ten epochs of the species MLP take a few seconds on a CPU worker; this is the slow-machine bound. */
const TRAIN_TIMEOUT_MS = 180_000

async function shoot(page: Page, dir: string, name: string): Promise<void> {
  await page.evaluate('window.scrollTo(0, 0)')
  await page.screenshot({ path: join(dir, `${name}.png`), fullPage: true })
}

/** Points drawn in a chart: the sum of its lines' path commands. */
async function chartPoints(page: Page, testId: string): Promise<number> {
  const paths = await page
    .getByTestId(testId)
    .getByTestId('chart-line')
    .evaluateAll((els) => els.map((el) => el.getAttribute('d') ?? ''))
  return paths.reduce((n, d) => n + (d.match(/[ML]/g)?.length ?? 0), 0)
}

/**
 * Uploads `csvPath` (label column `species`) on the requester's UI, trains the MLP for 10 epochs at most
 * 0.001 tokens an epoch, waits for the job page to say completed with both charts drawn and a checkpoint
 * list, and downloads model.json, weights.bin and metrics.json. Screenshots: train-form, train-estimate,
 * train-job-running, train-job-finished. Returns the job id.
 */
export async function checkTrainFlow(ui: string, csvPath: string, screenshotDir: string): Promise<string> {
  await mkdir(screenshotDir, { recursive: true })
  const downloadDir = await mkdtemp(join(tmpdir(), 'rynus-model-'))
  const browser = await launchBrowser()
  try {
    const context = await browser.newContext({
      viewport: { width: 1280, height: 800 },
      acceptDownloads: true
    })
    context.setDefaultTimeout(TIMEOUT_MS)
    const page = await context.newPage()
    const errors = collectConsoleErrors(page)
    await page.goto(ui)
    await page.locator('#app-sidebar').getByRole('link', { name: 'GPU for AI', exact: true }).click()
    await page.getByTestId('new-job').click()
    await page.getByRole('heading', { level: 1, name: 'New training job' }).waitFor()
    await page.getByTestId('dataset-file').setInputFiles(csvPath)
    await page.getByTestId('dataset-ready').waitFor()
    assert.equal(
      await page.getByTestId('label-column').inputValue(),
      'species',
      'the last column is the label'
    )
    await page.getByTestId('epochs').fill('10')
    await shoot(page, screenshotDir, 'train-form')
    await page.getByTestId('estimate').click()
    await page.getByTestId('can-match').waitFor()
    await shoot(page, screenshotDir, 'train-estimate')
    const match = (await page.getByTestId('can-match').textContent()) ?? ''
    assert.match(match, /can train it now/, `the estimate: ${match}`)

    await page.getByTestId('submit-train').click()
    const jobHeading = page.getByRole('heading', { level: 1, name: 'Training job', exact: true })
    await jobHeading.or(page.getByRole('alert')).first().waitFor()
    if (!(await jobHeading.isVisible())) {
      await shoot(page, screenshotDir, 'train-submit-refused')
      assert.fail(`the node refused the job: ${await page.getByRole('alert').first().textContent()}`)
    }
    const jobId = /#\/ai\/([^?]+)/.exec(page.url())?.[1] ?? ''
    assert.ok(jobId.length > 10, `the address names the job, got ${page.url()}`)
    await shoot(page, screenshotDir, 'train-job-running')
    await page
      .getByTestId('train-state')
      .and(page.locator('[data-state="completed"]'))
      .waitFor({ timeout: TRAIN_TIMEOUT_MS })
    await waitFor(
      async () => (await chartPoints(page, 'loss-chart')) >= 10,
      'the loss chart to show 10 epochs'
    )
    await waitFor(async () => (await chartPoints(page, 'accuracy-chart')) >= 10, 'the accuracy chart')
    await page.getByTestId('verdict').getByText('Model accepted').waitFor()
    assert.ok((await page.getByTestId('checkpoint-row').count()) >= 1, 'checkpoints are listed')
    await shoot(page, screenshotDir, 'train-job-finished')

    const downloads: Download[] = []
    page.on('download', (d) => downloads.push(d))
    await page.getByTestId('download-model').click()
    await waitFor(async () => downloads.length >= 3, 'three model files', 30_000)
    const names = downloads.map((d) => d.suggestedFilename()).sort()
    assert.deepEqual(names, ['metrics.json', 'model.json', 'weights.bin'])
    const modelJson = downloads.find((d) => d.suggestedFilename() === 'model.json')!
    await modelJson.saveAs(join(downloadDir, 'model.json'))
    const model = JSON.parse(await readFile(join(downloadDir, 'model.json'), 'utf8')) as {
      modelTopology?: unknown
    }
    assert.ok(model.modelTopology, 'model.json holds a layers model')
    assert.deepEqual(errors, [], 'no console errors during the training flow')
    return jobId
  } finally {
    await browser.close()
    await rm(downloadDir, { recursive: true, force: true })
  }
}
