import { InvalidRecordError } from '../dht-record/errors.js'
import { MAX_PROFILE_ROLES, MAX_VERSION_LENGTH } from './constants.js'
import { NodeProfile } from './pb/profile.js'

export * from './constants.js'
export { NodeProfile }

export function encodeProfile(profile: NodeProfile): Uint8Array {
  return NodeProfile.encode(profile)
}

/** Decodes a profile payload from the network, with limits on every field. */
export function decodeProfile(bytes: Uint8Array): NodeProfile {
  let profile: NodeProfile
  try {
    profile = NodeProfile.decode(bytes, { limits: { roles: MAX_PROFILE_ROLES } })
  } catch {
    throw new InvalidRecordError('profile payload is not a valid NodeProfile')
  }
  if (profile.version.length > MAX_VERSION_LENGTH) throw new InvalidRecordError('profile version is too long')
  return profile
}
