// Browser check of the web UI against a running node: every page at desktop and phone size, key content,
// a clean console, the no-token, refused-token and node-down states, and a screenshot of each.
import assert from 'node:assert/strict'
import { mkdir } from 'node:fs/promises'
import { join } from 'node:path'
import type { Browser, Page } from 'playwright-core'
import { filterPeers, NO_PEER_FILTER } from '../src/lib/peers.js'
import type { JobSummary, NodeStatus, PeerInfo, WorkerInfo } from '../src/lib/types.js'
import { collectConsoleErrors, launchBrowser } from './browser.js'
import { checkRenderPages, checkWorkersPage, type ShotFn, statValue } from './compute-pages.js'
import { parseUiAddress, TIMEOUT_MS, waitFor } from './support.js'

export { checkAssetsFlow } from './assets-flow.js'
export { checkWalletAfterPayment, checkWorkerSettings } from './operator-pages.js'
export { checkRenderFlow, type RenderFlowResult } from './render-flow.js'
export { checkTrainFlow } from './train-flow.js'

export const VIEWPORTS = [
  { name: 'desktop', width: 1280, height: 800 },
  { name: 'phone', width: 390, height: 844 }
] as const

const PAGES = [
  'Explorer',
  'Workers',
  'Peers',
  'GPU for Render',
  'GPU for AI',
  'Assets',
  'Node',
  'Worker settings',
  'Wallet',
  'Guide',
  'Help'
] as const
type PageName = (typeof PAGES)[number]

interface Expected {
  status: NodeStatus
  peers: PeerInfo[]
  /** Absent when the node has no requester role (the pages then say so). */
  workers?: WorkerInfo[]
  jobs?: JobSummary[]
}

/** `GPU for Render` → `gpu-for-render`, for screenshot names. */
function slug(name: string): string {
  return name.toLowerCase().replace(/[^a-z0-9]+/g, '-')
}

async function fetchExpected(origin: string, token: string): Promise<Expected> {
  const get = async <T>(path: string): Promise<T> => {
    const response = await fetch(`${origin}/api/v1${path}`, { headers: { Authorization: `Bearer ${token}` } })
    assert.equal(response.status, 200, `GET ${path} answered ${response.status}`)
    return (await response.json()) as T
  }
  const status = await get<NodeStatus>('/status')
  const requester = status.roles.includes('requester')
  return {
    status,
    peers: (await get<{ peers: PeerInfo[] }>('/peers')).peers,
    workers: requester ? (await get<{ workers: WorkerInfo[] }>('/workers')).workers : undefined,
    jobs: requester ? (await get<{ jobs: JobSummary[] }>('/jobs')).jobs : undefined
  }
}

async function openPage(page: Page, name: PageName, phone: boolean): Promise<void> {
  if (phone) {
    await page.getByRole('button', { name: 'Open menu' }).click()
    await page.locator('#app-sidebar').getByRole('link', { name, exact: true }).waitFor({ state: 'visible' })
  }
  await page.locator('#app-sidebar').getByRole('link', { name, exact: true }).click()
  await page.getByRole('heading', { level: 1, name, exact: true }).waitFor({ state: 'visible' })
  if (phone) {
    // The menu closes by itself once a page is chosen.
    await page.getByRole('button', { name: 'Close menu' }).waitFor({ state: 'hidden' })
  }
}

async function checkPage(page: Page, name: PageName, expected: Expected, shot: ShotFn): Promise<void> {
  const rows = page.getByTestId('peer-row')
  switch (name) {
    case 'Explorer': {
      await page.getByTestId('peer-id').filter({ hasText: expected.status.peerId }).waitFor()
      await page.getByTestId('reachability').waitFor()
      if (expected.peers.length > 0) await rows.first().waitFor()
      if (expected.workers !== undefined) {
        // Workers are found in the DHT: the count shown is a number (it may differ from ours by a late record).
        await waitFor(
          async () => /^\d+$/.test((await statValue(page, 'workers-online')) ?? ''),
          'the workers online count'
        )
        await waitFor(
          async () => /^\d+$/.test((await statValue(page, 'my-render-jobs')) ?? ''),
          'the render jobs count'
        )
      }
      break
    }
    case 'Workers': {
      await checkWorkersPage(page, expected.workers !== undefined)
      break
    }
    case 'GPU for Render': {
      await checkRenderPages(page, expected.jobs, () => shot(slug(name)), shot)
      break
    }
    case 'Peers': {
      if (expected.peers.length === 0) {
        await page.getByText('No peers connected yet').waitFor()
        break
      }
      await rows.first().waitFor()
      assert.ok((await rows.count()) >= 1, 'the Peers page lists connected peers')
      // Filtering by one peer's id leaves that peer (and any peer whose relay address names it).
      const target = expected.peers[0]!.peerId
      const matching = filterPeers(expected.peers, { ...NO_PEER_FILTER, text: target }).length
      await page.getByPlaceholder('Filter by peer ID').fill(target)
      await waitFor(async () => (await rows.count()) === matching, `the filter to leave ${matching} row(s)`)
      await rows
        .filter({ hasText: target.slice(0, 8) })
        .first()
        .waitFor()
      await page.getByPlaceholder('Filter by peer ID').fill('')
      // Sorting by peer id marks the column.
      await page.getByRole('button', { name: 'Peer', exact: true }).click()
      await page.locator('th[aria-sort="ascending"]', { hasText: 'Peer' }).waitFor()
      break
    }
    case 'Node': {
      await page.getByTestId('peer-id').filter({ hasText: expected.status.peerId }).waitFor()
      await page.getByTestId('versions').filter({ hasText: expected.status.versions.rynus }).waitFor()
      const shown = await page.getByTestId('addresses').locator('li').count()
      assert.equal(shown, expected.status.addresses.length, 'the Node page lists every listening address')
      break
    }
    case 'GPU for AI': {
      if (expected.jobs !== undefined)
        await page.getByTestId('jobs-table').or(page.getByText('No training jobs yet')).waitFor()
      break
    }
    case 'Assets': {
      await page.getByTestId('assets-table').or(page.getByText('No assets yet')).waitFor()
      break
    }
    case 'Worker settings': {
      if (expected.status.roles.includes('worker')) await page.getByTestId('worker-state').waitFor()
      else await page.getByText('This node is not a worker').waitFor()
      break
    }
    case 'Wallet': {
      await page.getByTestId('wallet-address').or(page.getByText('Settlement is off on this node')).waitFor()
      break
    }
    case 'Guide': {
      await page.getByTestId('guide').getByRole('heading', { name: 'Rendering with Blender' }).waitFor()
      await page.getByTestId('guide').getByRole('heading', { name: 'Out of funds' }).waitFor()
      break
    }
    case 'Help': {
      await page.getByRole('heading', { name: 'What Rynus is' }).waitFor()
      await page.getByRole('heading', { name: /not reachable/ }).waitFor()
      break
    }
  }
}

async function checkViewport(
  browser: Browser,
  address: string,
  viewport: (typeof VIEWPORTS)[number],
  expected: Expected,
  dir: string
): Promise<void> {
  const context = await browser.newContext({ viewport: { width: viewport.width, height: viewport.height } })
  context.setDefaultTimeout(TIMEOUT_MS)
  const page = await context.newPage()
  const errors = collectConsoleErrors(page)
  const phone = viewport.name === 'phone'
  try {
    const shot: ShotFn = async (name) => {
      await page.evaluate('window.scrollTo(0, 0)')
      await page.screenshot({ path: join(dir, `${viewport.name}-${name}.png`), fullPage: true })
    }
    await page.goto(address)
    await checkPage(page, 'Explorer', expected, shot)
    assert.ok(!page.url().includes('token='), `the token is removed from the address bar, got ${page.url()}`)
    await page.screenshot({ path: join(dir, `${viewport.name}-explorer.png`), fullPage: true })
    if (phone) {
      await page.getByRole('button', { name: 'Open menu' }).click()
      await page.getByRole('button', { name: 'Close menu' }).waitFor()
      await page.screenshot({ path: join(dir, `${viewport.name}-menu.png`) })
      await page.getByRole('button', { name: 'Close menu' }).click()
    }
    for (const name of PAGES.slice(1)) {
      await openPage(page, name, phone)
      await checkPage(page, name, expected, shot)
      // The render check moves on to the New job form and a job page, and shoots the list before it leaves.
      if (name !== 'GPU for Render') await shot(slug(name))
    }
    // The token stays in this tab: a reload needs no new address.
    await page.reload()
    await openPage(page, 'Explorer', phone)
    await checkPage(page, 'Explorer', expected, shot)
    assert.deepEqual(errors, [], `no console errors at ${viewport.name} size`)
  } finally {
    await context.close()
  }
}

/** Without a token, with a wrong token, and with the node's API unreachable: each has its own clear page. */
async function checkFailureStates(
  browser: Browser,
  address: string,
  origin: string,
  dir: string
): Promise<void> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } })
  context.setDefaultTimeout(TIMEOUT_MS)
  try {
    const page = await context.newPage()
    const errors = collectConsoleErrors(page)
    await page.goto(`${origin}/`)
    await page.getByTestId('no-token').getByText('rynus-node status').waitFor()
    await page.screenshot({ path: join(dir, 'no-token.png') })
    assert.deepEqual(errors, [], 'the no-token page logs no errors')

    const refused = await context.newPage()
    await refused.goto(`${origin}/#token=not-the-token`)
    await refused.getByRole('heading', { name: /refused/ }).waitFor()
    await refused.screenshot({ path: join(dir, 'token-refused.png') })
    await refused.close()

    // The node goes away: API calls and the event stream fail, the page says so and offers Retry; Retry recovers.
    const down = await context.newPage()
    let nodeUp = false
    await down.route('**/api/v1/**', (route) =>
      nodeUp ? route.continue() : route.abort('connectionrefused')
    )
    await down.routeWebSocket(/\/api\/v1\/events/, (ws) => {
      if (nodeUp) ws.connectToServer()
      else void ws.close({ code: 1001, reason: 'node down' })
    })
    await down.goto(address)
    await down.getByText('Your node is not answering').waitFor()
    await down
      .getByRole('status')
      .filter({ hasText: /Offline|Reconnecting/ })
      .first()
      .waitFor()
    await down.screenshot({ path: join(dir, 'node-down.png') })
    nodeUp = true
    await down.getByRole('button', { name: 'Retry' }).click()
    await down.getByTestId('peer-id').waitFor()
    await down.getByRole('status').filter({ hasText: 'Live' }).first().waitFor()
  } finally {
    await context.close()
  }
}

export interface CheckPagesOptions {
  /**
   * Makes one connected peer go away (e.g. stops a devnet worker). When given, the Explorer must show the peer
   * leave, live and without a reload: the activity feed names it and the peer table shrinks.
   */
  disconnectPeer?: () => Promise<void>
}

async function checkLiveUpdates(
  browser: Browser,
  address: string,
  expected: Expected,
  disconnectPeer: () => Promise<void>,
  dir: string
): Promise<void> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } })
  context.setDefaultTimeout(TIMEOUT_MS)
  const page = await context.newPage()
  const errors = collectConsoleErrors(page)
  try {
    await page.goto(address)
    await checkPage(page, 'Explorer', expected, async () => {})
    await page.getByRole('status').filter({ hasText: 'Live' }).first().waitFor()
    const livePeers = async (): Promise<number> =>
      Number.parseInt(
        (await page.getByTestId('live-peers').getByTestId('stat-value').textContent()) ?? '',
        10
      )
    await waitFor(async () => (await livePeers()) > 0, 'the live peer count')
    const before = await livePeers()
    await disconnectPeer()
    await page.getByTestId('activity').getByText('disconnected').first().waitFor({ timeout: 60_000 })
    await waitFor(async () => (await livePeers()) < before, 'the live peer count to drop')
    await page.screenshot({ path: join(dir, 'desktop-explorer-live.png'), fullPage: true })
    assert.deepEqual(errors, [], 'no console errors while peers come and go')
  } finally {
    await context.close()
  }
}

/**
 * Visits every page at 1280×800 and 390×844 against a running node, asserts what a user must see (this node's
 * peer id, the peer rows, versions, addresses, help), a console free of errors, and saves screenshots to
 * `screenshotDir`. Throws an AssertionError (or a Playwright timeout) on the first failure.
 */
export async function checkPages(
  baseUrlWithToken: string,
  screenshotDir: string,
  options: CheckPagesOptions = {}
): Promise<void> {
  const { origin, token } = parseUiAddress(baseUrlWithToken)
  await mkdir(screenshotDir, { recursive: true })
  const expected = await fetchExpected(origin, token)
  const browser = await launchBrowser()
  try {
    for (const viewport of VIEWPORTS)
      await checkViewport(browser, baseUrlWithToken, viewport, expected, screenshotDir)
    await checkFailureStates(browser, baseUrlWithToken, origin, screenshotDir)
    if (options.disconnectPeer !== undefined) {
      await checkLiveUpdates(browser, baseUrlWithToken, expected, options.disconnectPeer, screenshotDir)
    }
  } finally {
    await browser.close()
  }
}
