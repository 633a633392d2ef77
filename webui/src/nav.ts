// The app's pages, in nav order. A new feature (render, AI, assets, wallet, worker settings) adds one entry here.
import { type Component, defineAsyncComponent } from 'vue'
import type { IconName } from './icons.js'

export interface NavSection {
  id: string
  label: string
}

export interface NavItem {
  path: string
  label: string
  /** Shown under the page title. */
  description: string
  icon: IconName
  section: NavSection['id']
  component: Component
}

export const NAV_SECTIONS: NavSection[] = [
  { id: 'network', label: 'Network' },
  { id: 'node', label: 'This node' },
  { id: 'support', label: 'Support' }
]

export const NAV_ITEMS: NavItem[] = [
  {
    path: '/explorer',
    label: 'Explorer',
    description: 'Your node and the Rynus peers it is connected to, live.',
    icon: 'network',
    section: 'network',
    component: defineAsyncComponent(() => import('./pages/ExplorerPage.vue'))
  },
  {
    path: '/peers',
    label: 'Peers',
    description: 'Every open connection: direction, path, latency and addresses.',
    icon: 'peers',
    section: 'network',
    component: defineAsyncComponent(() => import('./pages/PeersPage.vue'))
  },
  {
    path: '/node',
    label: 'Node',
    description: 'Identity, reachability, addresses and versions of this node.',
    icon: 'node',
    section: 'node',
    component: defineAsyncComponent(() => import('./pages/NodePage.vue'))
  },
  {
    path: '/help',
    label: 'Help',
    description: 'What Rynus is, the roles a node can take, and how to fix common problems.',
    icon: 'help',
    section: 'support',
    component: defineAsyncComponent(() => import('./pages/HelpPage.vue'))
  }
]

export function findNavItem(path: string): NavItem | null {
  return NAV_ITEMS.find((item) => item.path === path) ?? null
}

export function navItemsBySection(): { section: NavSection; items: NavItem[] }[] {
  return NAV_SECTIONS.map((section) => ({
    section,
    items: NAV_ITEMS.filter((item) => item.section === section.id)
  })).filter((group) => group.items.length > 0)
}
