import type { Cache } from '../../infra/cache/cache.js'
import { TTL, type EntryPolicy } from '../../infra/cache/ttl.js'
import type { Databases } from '../../infra/db/database.js'
import { toInt } from '../../infra/db/values.js'

/** `user_basic.status` values. */
export const USER_STATUS = { disabled: 0, enabled: 1 } as const

const statusKey = (userId: bigint) => `user:${userId}:status`
const statusPolicy: EntryPolicy = {
  name: 'user_status',
  ttl: TTL.userStatus,
  missing: TTL.userNotExists,
}

/** True when the user exists and is enabled (`user:{id}:status`, cached). */
export async function isUserEnabled(
  deps: { cache: Cache; db: Databases },
  userId: bigint,
): Promise<boolean> {
  const status = await deps.cache.getOrLoad(statusKey(userId), statusPolicy, async () => {
    const row = await deps.db.write
      .selectFrom('user_basic')
      .select('status')
      .where('user_id', '=', userId.toString())
      .executeTakeFirst()
    return row ? toInt(row.status) : null
  })
  return status === USER_STATUS.enabled
}

/** Drops the cached status so that enabling or disabling a user applies on the next request. */
export function forgetUserStatus(deps: { cache: Cache }, userId: bigint): Promise<void> {
  return deps.cache.delete(statusKey(userId))
}
