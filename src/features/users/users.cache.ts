import type { Deps } from '../../deps.js'
import { TTL, type EntryPolicy } from '../../infra/cache/ttl.js'
import {
  findAdditionalProfile,
  findUserById,
  type AdditionalProfile,
  type UserRecord,
} from './users.repo.js'

type CacheDeps = Pick<Deps, 'cache' | 'db'>

const profileKey = (id: bigint) => `user:${id}:profile`
const additionalKey = (id: bigint) => `user:${id}:profilex`

const profilePolicy: EntryPolicy = {
  name: 'user_profile',
  ttl: TTL.userProfile,
  missing: TTL.userNotExists,
}
const additionalPolicy: EntryPolicy = {
  name: 'user_profilex',
  ttl: TTL.userAdditionalProfile,
  missing: TTL.userNotExists,
}

/** `user:{id}:profile`: the user's basic record, null (negatively cached) when there is none. */
export function cachedUser(deps: CacheDeps, id: bigint): Promise<UserRecord | null> {
  return deps.cache.getOrLoad(profileKey(id), profilePolicy, () => findUserById(deps.db.write, id))
}

/** `user:{id}:profilex`: gender and birthday. */
export function cachedAdditionalProfile(
  deps: CacheDeps,
  id: bigint,
): Promise<AdditionalProfile | null> {
  return deps.cache.getOrLoad(additionalKey(id), additionalPolicy, () =>
    findAdditionalProfile(deps.db.write, id),
  )
}

/** Drops the cached records of a user after a write to them. */
export function forgetUser(deps: Pick<Deps, 'cache'>, id: bigint): Promise<void> {
  return deps.cache.delete(profileKey(id), additionalKey(id))
}
