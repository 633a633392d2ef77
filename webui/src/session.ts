// The API token arrives once in the address the CLI prints (`/#token=…`), then lives in sessionStorage.
import { takeTokenFromHash } from './lib/token.js'

const STORAGE_KEY = 'rynus.token'

/** Moves a token from the URL into sessionStorage (removing it from the visible address) and returns the token in use. */
export function loadToken(): string | null {
  const { token, rest } = takeTokenFromHash(window.location.hash)
  if (token !== null) {
    try {
      window.sessionStorage.setItem(STORAGE_KEY, token)
    } catch {
      // Storage can be disabled; the token still works for this page load.
    }
    window.history.replaceState(
      window.history.state,
      '',
      `${window.location.pathname}${window.location.search}${rest}`
    )
    return token
  }
  try {
    return window.sessionStorage.getItem(STORAGE_KEY)
  } catch {
    return null
  }
}

export function forgetToken(): void {
  try {
    window.sessionStorage.removeItem(STORAGE_KEY)
  } catch {
    // nothing stored
  }
}
