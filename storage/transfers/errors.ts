import { RynusError } from '../../protocols/common/errors.js'

/** Every provider of a fetch said it does not hold a block the DAG needs. */
export class BlockUnavailableError extends RynusError {
  readonly cid: string

  constructor(root: string, cid: string) {
    super(
      `fetching ${root}: no connected provider holds block ${cid}; ` +
        'connect a node that stores the whole content (or wait for one to come online), then retry',
      'ERR_BLOCK_UNAVAILABLE'
    )
    this.cid = cid
  }
}

/** The node's helia has no bitswap block broker (started without one), so nothing can be fetched. */
export class NoBitswapError extends RynusError {
  constructor() {
    super(
      'this node cannot fetch blocks: its block store runs without bitswap; start the node normally',
      'ERR_NO_BITSWAP'
    )
  }
}
