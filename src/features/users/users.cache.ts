import type { Deps } from '../../deps.js'
import type { Cache } from '../../infra/cache/cache.js'
import { TTL, type EntryPolicy, type Ttl } from '../../infra/cache/ttl.js'
import { COUNTERS } from '../../infra/store/counters.js'
import {
  findAdditionalProfile,
  findUserById,
  type AdditionalProfile,
  type UserRecord,
} from './users.repo.js'

type CacheDeps = Pick<Deps, 'cache' | 'db'>

const profileKey = (id: bigint) => `user:${id}:profile`
const additionalKey = (id: bigint) => `user:${id}:profilex`
const countsKey = (id: bigint) => `user:${id}:counts`

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

/** The counts of a profile, in the order of its answer (articles, followings, fans, likes). */
export const PROFILE_COUNTERS = [
  COUNTERS.userArticles,
  COUNTERS.userFollowings,
  COUNTERS.userFollowers,
  COUNTERS.userLiked,
] as const

const countsPolicy: EntryPolicy = { name: 'user_counts', ttl: TTL.userCounts }
// Without Redis no bus reaches this process when another one changes a count (a job run by the
// CLI): held counts live at most 3 s there.
const EMBEDDED_COUNTS_TTL: Ttl = { seconds: 2, jitter: 1 }
const embeddedCountsPolicy: EntryPolicy = { name: 'user_counts', ttl: EMBEDDED_COUNTS_TTL }

/**
 * `user:{id}:counts`: the profile's counts, read from the counter store and held until one of
 * them changes (`forgetProfileCounts`, called by the store on every write). Fails when the store
 * does: counts read during an outage are not held.
 */
export function cachedProfileCounts(
  deps: Pick<Deps, 'cache' | 'counters' | 'redis'>,
  id: bigint,
): Promise<number[] | null> {
  const policy = deps.redis ? countsPolicy : embeddedCountsPolicy
  return deps.cache.getOrLoad(countsKey(id), policy, async () => {
    const counts = await deps.counters.raw.getEach(PROFILE_COUNTERS, id)
    // A count below 0 is a decrement that landed on a lost counter: 0, as every read shows it.
    return counts.map((count) => Math.max(0, count))
  })
}

/** Drops a profile's held counts on every node (after a write to one of them). */
export function forgetProfileCounts(cache: Cache, id: bigint): Promise<void> {
  return cache.delete(countsKey(id))
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
