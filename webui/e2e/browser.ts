// Starts the system's Chromium (Debian package `chromium`) through playwright-core: no browser download.
import { type Browser, chromium, type Page } from 'playwright-core'

export const CHROMIUM_PATH = process.env.RYNUS_CHROMIUM ?? '/usr/bin/chromium'

const ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync'
]

/** A headless Chromium; each launch gets a fresh temporary profile (user-data-dir) that close() deletes. */
export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args: ARGS })
}

/**
 * Collects console errors and uncaught exceptions of a page from now on. The returned array fills as they happen,
 * so assert on it after the checks: `assert.deepEqual(errors, [])`.
 */
export function collectConsoleErrors(page: Page): string[] {
  const errors: string[] = []
  page.on('console', (message) => {
    if (message.type() === 'error') {
      const where = message.location().url
      errors.push(where ? `${message.text()} (${where})` : message.text())
    }
  })
  page.on('pageerror', (error) => errors.push(`uncaught: ${error.message}`))
  return errors
}
