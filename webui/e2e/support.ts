// Small helpers of the browser checks: the UI address the CLI prints, and polling for conditions Playwright's
// locators cannot express (counts, parsed numbers).
import assert from 'node:assert/strict'

export const TIMEOUT_MS = 15_000

/** Polls `condition` every 100 ms until it holds; an AssertionError naming `what` after `timeoutMs`. */
export async function waitFor(
  condition: () => Promise<boolean>,
  what: string,
  timeoutMs = TIMEOUT_MS
): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!(await condition())) {
    if (Date.now() > deadline) throw new assert.AssertionError({ message: `timed out waiting for ${what}` })
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
}

/** Splits `http://127.0.0.1:8420/#token=abc` into the origin and the token. */
export function parseUiAddress(address: string): { origin: string; token: string } {
  const url = new URL(address)
  const token = /token=([^&]+)/.exec(url.hash)?.[1]
  assert.ok(token, `the UI address must carry #token=…, got ${address}`)
  return { origin: url.origin, token: decodeURIComponent(token) }
}
