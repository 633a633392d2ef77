// Browser checks of the operator's pages against a running devnet: a worker's settings (pause, resume, a new
// price kept by the node) and the requester's wallet after a paid job (escrow and payments with transactions).
import assert from 'node:assert/strict'
import { mkdir } from 'node:fs/promises'
import { join } from 'node:path'
import type { Page } from 'playwright-core'
import { collectConsoleErrors, launchBrowser } from './browser.js'
import { parseUiAddress, TIMEOUT_MS } from './support.js'

async function withPage(check: (page: Page) => Promise<void>): Promise<void> {
  const browser = await launchBrowser()
  try {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } })
    context.setDefaultTimeout(TIMEOUT_MS)
    const page = await context.newPage()
    const errors = collectConsoleErrors(page)
    await check(page)
    assert.deepEqual(errors, [], 'no console errors')
  } finally {
    await browser.close()
  }
}

async function workerSettings(
  origin: string,
  token: string
): Promise<{ paused: boolean; priceFloorPerUnit: string }> {
  const response = await fetch(`${origin}/api/v1/worker`, { headers: { Authorization: `Bearer ${token}` } })
  return ((await response.json()) as { settings: { paused: boolean; priceFloorPerUnit: string } }).settings
}

/**
 * On a worker node's own UI: the Worker settings page shows it taking jobs with its CPU charts, Pause and
 * Resume switch it (the node agrees), and a new price floor is saved and applied. The price is put back after.
 */
export async function checkWorkerSettings(workerUi: string, screenshotDir: string): Promise<void> {
  const { origin, token } = parseUiAddress(workerUi)
  await mkdir(screenshotDir, { recursive: true })
  const before = await workerSettings(origin, token)
  await withPage(async (page) => {
    await page.goto(`${origin}/#/worker?token=${encodeURIComponent(token)}`)
    await page.getByRole('heading', { level: 1, name: 'Worker settings' }).waitFor()
    await page.getByTestId('worker-state').getByText('On', { exact: true }).waitFor()
    await page.getByTestId('cpu-charts').or(page.getByTestId('gpu-charts')).waitFor()
    await page.getByTestId('pause-worker').click()
    await page.getByTestId('worker-state').getByText('Paused', { exact: true }).waitFor()
    assert.equal((await workerSettings(origin, token)).paused, true, 'the node is paused')
    await page.screenshot({ path: join(screenshotDir, 'desktop-worker-settings-paused.png'), fullPage: true })
    await page.getByTestId('resume-worker').click()
    await page.getByTestId('worker-state').getByText('On', { exact: true }).waitFor()
    assert.equal((await workerSettings(origin, token)).paused, false, 'the node takes jobs again')

    await page.getByTestId('price-floor').fill('0.0025')
    await page.getByTestId('save-settings').click()
    await page.getByTestId('settings-saved').waitFor()
    assert.equal((await workerSettings(origin, token)).priceFloorPerUnit, '2500000000000000')
    await page.getByTestId('allowed-hours').fill('25:00-07:00')
    await page.getByTestId('save-settings').click()
    await page.locator('[data-testid="field-error"][data-field="hours"]').getByText('25:00-07:00').waitFor()
    await page.screenshot({ path: join(screenshotDir, 'desktop-worker-settings.png'), fullPage: true })
  })
  await fetch(`${origin}/api/v1/worker/settings`, {
    method: 'PUT',
    headers: { Authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ priceFloorPerUnit: before.priceFloorPerUnit, paused: false })
  })
}

/** On the requester's UI after a paid job: the Wallet page lists the escrow and the workers paid, with transactions. */
export async function checkWalletAfterPayment(ui: string, screenshotDir: string): Promise<void> {
  const { origin, token } = parseUiAddress(ui)
  await mkdir(screenshotDir, { recursive: true })
  await withPage(async (page) => {
    await page.goto(`${origin}/#/wallet?token=${encodeURIComponent(token)}`)
    await page.getByRole('heading', { level: 1, name: 'Wallet' }).waitFor()
    await page.getByTestId('wallet-address').waitFor()
    const rows = page.getByTestId('transaction-row')
    await page
      .locator('[data-testid="transaction-row"][data-kind="escrowed"]')
      .first()
      .waitFor({ timeout: 60_000 })
    await page
      .locator('[data-testid="transaction-row"][data-kind="paid"]')
      .first()
      .waitFor({ timeout: 120_000 })
    assert.match((await rows.first().textContent()) ?? '', /0x[0-9a-f]{8}/, 'each row names its transaction')
    await page.getByTestId('escrows').waitFor()
    await page.screenshot({ path: join(screenshotDir, 'desktop-wallet-after-payment.png'), fullPage: true })
  })
}
