import { RynusError } from '../../protocols/common/errors.js'

/** A walk went past its block or byte budget. */
export class DagTooLargeError extends RynusError {
  /** Which budget ran out. */
  readonly limit: 'bytes' | 'blocks'

  constructor(root: string, limit: 'bytes' | 'blocks', max: number) {
    super(`the DAG under ${root} has more than ${max} ${limit}, more than allowed`, 'ERR_DAG_TOO_LARGE')
    this.limit = limit
  }
}

/** A block of the DAG is not stored here and the walk was told not to fetch it. */
export class BlockMissingError extends RynusError {
  constructor(cid: string, options?: ErrorOptions) {
    super(`block ${cid} is not stored on this node`, 'ERR_BLOCK_MISSING', options)
  }
}

/** A block uses a codec this node cannot read links from. */
export class UnsupportedCodecError extends RynusError {
  constructor(cid: string, code: number) {
    super(
      `block ${cid} uses codec 0x${code.toString(16)}, which this node cannot read; only dag-pb, raw, json and dag-cbor DAGs are walked`,
      'ERR_UNSUPPORTED_CODEC'
    )
  }
}

/** Bytes that should be a CARv1 are not one. */
export class CarFormatError extends RynusError {
  constructor(problem: string) {
    super(`not a valid CARv1: ${problem}`, 'ERR_CAR_FORMAT')
  }
}
