/** What other features use of users: cached records, photo URLs and profile changes. */
import type { Deps } from '../../deps.js'
import { findUserByMobile, type UserRecord } from './users.repo.js'

export { PROFILE_COUNTERS, cachedUser, forgetProfileCounts, forgetUser } from './users.cache.js'
export {
  IMAGE_FIELDS,
  photoUrl,
  requireUser,
  updateProfile,
  type ImageField,
  type ProfilePatch,
} from './users.service.js'
export type { UserRecord } from './users.repo.js'

/** The user with this mobile (read from the primary), or null. */
export function userByMobile(deps: Pick<Deps, 'db'>, mobile: string): Promise<UserRecord | null> {
  return findUserByMobile(deps.db.write, mobile)
}
