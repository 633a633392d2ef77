export const PROFILE_KIND = 'profile'
export const PROFILE_TTL_MS = 60 * 60 * 1000
export const MAX_PROFILE_ROLES = 8
export const MAX_VERSION_LENGTH = 64
