export { carHeader, carSection, type DecodedCar, decodeCar, encodeCar } from './car.js'
export * from './constants.js'
export { type DagBlock, readBlock, type WalkOptions, walkDag } from './dag-walk.js'
export * from './errors.js'
