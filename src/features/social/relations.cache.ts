import type { Deps } from '../../deps.js'
import { TTL, type EntryPolicy } from '../../infra/cache/ttl.js'
import { RELATION, listRelations } from './relations.repo.js'

type CacheDeps = Pick<Deps, 'cache' | 'db'>
/** Target user id (decimal) → relation (1 follow, 2 blacklist). */
export type RelationMap = Record<string, number>

const relationsKey = (userId: bigint) => `user:${userId}:relationship`
const relationsPolicy: EntryPolicy = {
  name: 'user_relationship',
  ttl: TTL.userRelationship,
  missing: TTL.userRelationshipNotExists,
}

/** `user:{id}:relationship`; a user with no relations is cached briefly as "none". */
export async function cachedRelations(deps: CacheDeps, userId: bigint): Promise<RelationMap> {
  const map = await deps.cache.getOrLoad(relationsKey(userId), relationsPolicy, async () => {
    const rows = await listRelations(deps.db.write, userId)
    if (rows.length === 0) return null
    return Object.fromEntries(rows.map((row) => [row.target.toString(), row.relation]))
  })
  return map ?? {}
}

/** The viewer's relation to the target (0 none, 1 follow, 2 blacklist). */
export async function relationTo(deps: CacheDeps, userId: bigint, target: bigint): Promise<number> {
  return (await cachedRelations(deps, userId))[target.toString()] ?? RELATION.none
}

/** Users the viewer blacklisted. */
export async function blacklistedUsers(deps: CacheDeps, userId: bigint): Promise<bigint[]> {
  const map = await cachedRelations(deps, userId)
  return Object.entries(map)
    .filter(([, relation]) => relation === RELATION.blacklist)
    .map(([id]) => BigInt(id))
}

/** After a follow, unfollow or blacklist change of the user. */
export function forgetRelations(deps: Pick<Deps, 'cache'>, userId: bigint): Promise<void> {
  return deps.cache.delete(relationsKey(userId))
}
