import { RynusError } from '../../protocols/common/errors.js'

/** No asset with this CID in the index. */
export class AssetNotFoundError extends RynusError {
  constructor(cid: string) {
    super(
      `no asset ${cid} on this node; list the assets with \`rynus-node assets ls\` (GET /api/v1/assets)`,
      'ERR_ASSET_NOT_FOUND'
    )
  }
}

/** An asset name that could become a path, or is empty or too long. */
export class AssetNameError extends RynusError {
  constructor(name: string) {
    super(
      `${JSON.stringify(name.slice(0, 80))} is not a usable asset name; give a plain file name without / or \\ ` +
        '(letters, digits, spaces, . - _), e.g. scene.blend',
      'ERR_ASSET_NAME'
    )
  }
}

/** An unknown compression mode. */
export class CompressModeError extends RynusError {
  constructor(value: string) {
    super(`unknown compression "${value.slice(0, 40)}"; use auto, none, gzip or brotli`, 'ERR_COMPRESS_MODE')
  }
}

function size(bytes: number): string {
  if (bytes >= 1024 ** 3) return `${(bytes / 1024 ** 3).toFixed(2)} GiB`
  if (bytes >= 1024 ** 2) return `${(bytes / 1024 ** 2).toFixed(1)} MiB`
  if (bytes >= 1024) return `${(bytes / 1024).toFixed(1)} KiB`
  return `${bytes} B`
}

/** Adding the asset would take the node past `storage.quotaBytes`. Nothing was recorded. */
export class QuotaExceededError extends RynusError {
  readonly usedBytes: number
  readonly quotaBytes: number
  constructor(name: string, needBytes: number | undefined, usedBytes: number, quotaBytes: number) {
    const free = Math.max(0, quotaBytes - usedBytes)
    super(
      `adding ${name}${needBytes !== undefined ? ` (${size(needBytes)})` : ''} would exceed this node's storage quota: ` +
        `${size(usedBytes)} of ${size(quotaBytes)} used, ${size(free)} free. Free space with ` +
        '`rynus-node assets rm <cid>` and then `rynus-node assets gc`, or raise storage.quotaBytes ' +
        '(--storage-quota-bytes, RYNUS_STORAGE_QUOTA_BYTES; 0 = unlimited)',
      'ERR_QUOTA_EXCEEDED'
    )
    this.usedBytes = usedBytes
    this.quotaBytes = quotaBytes
  }
}

/** A compressed asset given as a job input: workers would receive compressed bytes. */
export class CompressedInputError extends RynusError {
  constructor(cid: string, name: string, codec: string) {
    super(
      `input ${name} (${cid}) is stored ${codec}-compressed, so workers would get compressed bytes; ` +
        `add it again uncompressed with \`rynus-node assets add ${name} --compress none\` and use that CID`,
      'ERR_COMPRESSED_INPUT'
    )
  }
}

/** A folder upload (tar stream) that is malformed or names entries Rynus will not write. */
export class ArchiveError extends RynusError {
  constructor(reason: string) {
    super(`the folder archive is not usable: ${reason}`, 'ERR_BAD_ARCHIVE')
  }
}

/** No watch with this id (it was stopped, or never existed). */
export class WatchNotFoundError extends RynusError {
  constructor(id: string) {
    super(
      `no watched asset ${JSON.stringify(id.slice(0, 40))} on this node; list them with \`rynus-node assets watches\` (GET /api/v1/assets/watches)`,
      'ERR_WATCH_NOT_FOUND'
    )
  }
}
