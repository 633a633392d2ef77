export * from './constants.js'
export { createNodeHelia, type NodeHelia, type NodeHeliaOptions } from './helia.js'
export { DHT_ROUTER_NAME, DhtRouter } from './router.js'
