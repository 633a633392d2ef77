import type { NodeStatus, PeerSummary } from '../rynus-node.js'
import type { ApiServer } from './server.js'

/** The node itself as the API sees it. */
export interface NodeView {
  status(): NodeStatus
  peers(): Promise<PeerSummary[]>
}

/** GET /status and GET /peers. */
export function registerNodeRoutes(api: ApiServer, node: NodeView): void {
  api.route('GET', '/status', () => node.status())
  api.route('GET', '/peers', async () => ({ peers: await node.peers() }))
}
