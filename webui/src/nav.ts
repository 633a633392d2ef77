// The app's pages, in nav order. A new feature (AI, assets, wallet, worker settings) adds one entry here; pages
// reached from another page (a job, a form) are sub-pages of a nav item.
import { type Component, defineAsyncComponent } from 'vue'
import type { IconName } from './icons.js'
import { matchPath } from './lib/route-match.js'

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

/** A page under a nav item, e.g. `/render/:jobId`; `:name` segments are passed to the component as props. */
export interface SubPage {
  pattern: string
  /** The nav item's path it belongs to (highlighted in the menu, linked in the header). */
  parent: string
  label: string
  description: string
  component: Component
}

/** What the address points at. */
export interface ResolvedRoute {
  /** The nav item to highlight. */
  navPath: string
  section: NavSection['id']
  label: string
  description: string
  component: Component
  params: Record<string, string>
  /** For sub-pages: the nav item above, linked in the header. */
  parent: { path: string; label: string } | null
}

export const NAV_SECTIONS: NavSection[] = [
  { id: 'network', label: 'Network' },
  { id: 'compute', label: 'Compute' },
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
    path: '/workers',
    label: 'Workers',
    description:
      'Machines offering their GPUs and CPUs, as advertised in the network: hardware, price and slots.',
    icon: 'gpu',
    section: 'network',
    component: defineAsyncComponent(() => import('./pages/WorkersPage.vue'))
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
    path: '/render',
    label: 'GPU for Render',
    description: 'Render Blender scenes on workers across the network: your render jobs, live.',
    icon: 'render',
    section: 'compute',
    component: defineAsyncComponent(() => import('./pages/RenderJobsPage.vue'))
  },
  {
    path: '/ai',
    label: 'GPU for AI',
    description:
      'Train models on workers across the network, checked on data they never saw: your training jobs, live.',
    icon: 'cube',
    section: 'compute',
    component: defineAsyncComponent(() => import('./pages/TrainJobsPage.vue'))
  },
  {
    path: '/assets',
    label: 'Assets',
    description: 'Files and folders on your node: upload with progress, pin, download, delete and clean up.',
    icon: 'upload',
    section: 'compute',
    component: defineAsyncComponent(() => import('./pages/AssetsPage.vue'))
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
    path: '/worker',
    label: 'Worker settings',
    description:
      'Lend this machine: take jobs or pause, set your price and hours, and watch its hardware and earnings.',
    icon: 'bolt',
    section: 'node',
    component: defineAsyncComponent(() => import('./pages/WorkerSettingsPage.vue'))
  },
  {
    path: '/wallet',
    label: 'Wallet',
    description:
      "The node's tokens: balances, escrow per job, payments with their transactions, and funding.",
    icon: 'coins',
    section: 'node',
    component: defineAsyncComponent(() => import('./pages/WalletPage.vue'))
  },
  {
    path: '/guide',
    label: 'Guide',
    description:
      'How to render, train, fund your wallet and lend your machine, and what to do when something goes wrong.',
    icon: 'book',
    section: 'support',
    component: defineAsyncComponent(() => import('./pages/GuidePage.vue'))
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

/** Checked in order: fixed paths before parameters. */
export const SUB_PAGES: SubPage[] = [
  {
    pattern: '/render/new',
    parent: '/render',
    label: 'New render job',
    description:
      'Upload a .blend, pick frames and quality, see what it costs and whether workers can take it, then submit.',
    component: defineAsyncComponent(() => import('./pages/NewRenderPage.vue'))
  },
  {
    pattern: '/render/:jobId',
    parent: '/render',
    label: 'Render job',
    description: 'Frames appear as workers deliver them; progress, history and downloads, live.',
    component: defineAsyncComponent(() => import('./pages/RenderJobPage.vue'))
  },
  {
    pattern: '/ai/new',
    parent: '/ai',
    label: 'New training job',
    description:
      'Upload a CSV, choose the label and a model, see what it costs and whether workers can take it, then submit.',
    component: defineAsyncComponent(() => import('./pages/NewTrainPage.vue'))
  },
  {
    pattern: '/ai/:jobId',
    parent: '/ai',
    label: 'Training job',
    description:
      'Loss and accuracy per epoch as workers train; checkpoints, verification and the model, live.',
    component: defineAsyncComponent(() => import('./pages/TrainJobPage.vue'))
  }
]

export function findNavItem(path: string): NavItem | null {
  return NAV_ITEMS.find((item) => item.path === path) ?? null
}

export function resolveRoute(path: string): ResolvedRoute | null {
  const item = findNavItem(path)
  if (item !== null) {
    const { label, description, component, section } = item
    return { navPath: item.path, section, label, description, component, params: {}, parent: null }
  }
  for (const page of SUB_PAGES) {
    const params = matchPath(page.pattern, path)
    const parent = findNavItem(page.parent)
    if (params === null || parent === null) continue
    const { label, description, component } = page
    return {
      navPath: parent.path,
      section: parent.section,
      label,
      description,
      component,
      params,
      parent: { path: parent.path, label: parent.label }
    }
  }
  return null
}

export function navItemsBySection(): { section: NavSection; items: NavItem[] }[] {
  return NAV_SECTIONS.map((section) => ({
    section,
    items: NAV_ITEMS.filter((item) => item.section === section.id)
  })).filter((group) => group.items.length > 0)
}
