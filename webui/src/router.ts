// A tiny hash router: `#/peers` shows the Peers page. Hash routes need no server fallback, so the node serves files as they are.
import { type ComputedRef, computed, readonly, ref } from 'vue'
import { NAV_ITEMS, type ResolvedRoute, resolveRoute } from './nav.js'

function pathOf(hash: string): string {
  const path = hash.replace(/^#/, '').split('?')[0] ?? ''
  return path === '' ? '/' : path
}

const currentPath = ref('/')
let listening = false

/** Call after the token has been taken out of the hash. */
export function startRouter(): void {
  currentPath.value = pathOf(window.location.hash)
  if (listening) return
  listening = true
  window.addEventListener('hashchange', () => {
    currentPath.value = pathOf(window.location.hash)
    window.scrollTo({ top: 0 })
  })
}

export function navigate(path: string): void {
  window.location.hash = `#${path}`
}

export function hrefFor(path: string): string {
  return `#${path}`
}

export const routePath = readonly(currentPath)

/** The page for the current address; `/` is the Explorer. Unknown paths give null (the not-found page). */
export const currentRoute: ComputedRef<ResolvedRoute | null> = computed(() => {
  const path = currentPath.value === '/' ? (NAV_ITEMS[0]?.path ?? '/') : currentPath.value
  return resolveRoute(path.replace(/\/$/, '') || '/')
})
