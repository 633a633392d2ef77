// Browser checks of the compute pages (Workers, GPU for Render) inside `checkPages`.
import type { Page } from 'playwright-core'
import type { JobSummary, WorkerInfo } from '../src/lib/types.js'
import { waitFor } from './support.js'

/** Saves a full-page screenshot under a name (the caller adds the viewport). */
export type ShotFn = (name: string) => Promise<void>

const GIB = 2 ** 30

/** The number in a StatCard with this test id, or null while it loads. */
export async function statValue(page: Page, testId: string): Promise<string | null> {
  const value = page.getByTestId(testId).getByTestId('stat-value')
  return (await value.count()) > 0 ? ((await value.first().textContent()) ?? '').trim() : null
}

/** The workers list as the page's node sees it now, fetched inside the page with its token. */
async function fetchWorkers(page: Page): Promise<WorkerInfo[]> {
  return page.evaluate(async () => {
    const token = sessionStorage.getItem('rynus.token') ?? ''
    const response = await fetch('/api/v1/workers', { headers: { Authorization: `Bearer ${token}` } })
    return ((await response.json()) as { workers: WorkerInfo[] }).workers
  })
}

/**
 * One row per worker the node knows, a GPU (or "CPU only") label, the VRAM filter with its no-match state,
 * sorting by price, and Refresh (a fresh DHT lookup). Without the requester role the page says how to get it.
 */
export async function checkWorkersPage(page: Page, requester: boolean): Promise<void> {
  if (!requester) {
    await page.getByText('requester role').first().waitFor()
    return
  }
  const rows = page.getByTestId('worker-row')
  await rows.first().or(page.getByText('No workers found yet')).waitFor()
  await page.getByRole('button', { name: 'Refresh' }).click()
  await page.getByRole('button', { name: 'Refresh', exact: true }).waitFor()
  const workers = await fetchWorkers(page)
  if (workers.length === 0) return
  await waitFor(async () => (await rows.count()) === workers.length, `${workers.length} worker rows`)
  const first = workers[0] as WorkerInfo
  const label = first.gpus.length > 0 ? (first.gpus[0]?.model ?? '') : 'CPU only'
  await rows.filter({ hasText: label }).first().waitFor()
  const big = workers.filter((w) => w.gpus.reduce((sum, g) => sum + g.vramBytes, 0) >= 80 * GIB).length
  await page.getByTestId('min-vram').selectOption('80')
  if (big === 0) {
    await page.getByText('No worker matches these filters').waitFor()
    await page.getByRole('button', { name: 'Clear the filters' }).click()
  } else {
    await waitFor(async () => (await rows.count()) === big, `${big} rows with 80 GB of VRAM`)
    await page.getByTestId('min-vram').selectOption('0')
  }
  await waitFor(async () => (await rows.count()) === workers.length, 'every worker row back')
  await page.getByRole('button', { name: 'Price floor' }).click()
  await page.locator('th[aria-sort="descending"]', { hasText: 'Price floor' }).waitFor()
}

/**
 * The jobs list (or its empty state), then the New job form waiting for a scene, then the newest job's page.
 * `listShot` is called once the list shows; `shot` names the other two.
 */
export async function checkRenderPages(
  page: Page,
  jobs: JobSummary[] | undefined,
  listShot: () => Promise<void>,
  shot: ShotFn
): Promise<void> {
  if (jobs === undefined) {
    await page.getByText('requester role').first().waitFor()
    await listShot()
    return
  }
  const renders = jobs.filter((j) => j.kind === 'render')
  if (renders.length === 0) await page.getByText('No render jobs yet').waitFor()
  else await page.getByTestId('job-row').first().waitFor()
  await listShot()
  await page.getByTestId('new-job').click()
  await page.getByRole('heading', { level: 1, name: 'New render job' }).waitFor()
  await page.getByTestId('estimate-waiting').waitFor()
  await page.getByLabel('Frames').waitFor()
  await shot('new-render-job')
  const newest = renders[0]
  if (newest === undefined) return
  await page.goBack()
  await page.getByTestId('job-row').first().getByRole('link').click()
  await page.getByRole('heading', { level: 1, name: 'Render job' }).waitFor()
  await page.getByTestId('job-id').filter({ hasText: newest.id }).waitFor()
  await page.getByTestId('frame-grid').waitFor()
  await shot('render-job')
}
