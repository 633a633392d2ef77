export * from './constants.js'
export { sniffContentType } from './content-type.js'
export { type GatewayComponents, type GatewayOptions, TrustlessGateway } from './gateway.js'
export { type GatewayFormat, type GatewayRequest, parseGatewayRequest } from './request.js'
