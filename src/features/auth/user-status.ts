import type { Deps } from '../../deps.js'
import { TTL, type EntryPolicy, type Ttl } from '../../infra/cache/ttl.js'
import { notEnabledAmong, readUserStatus, writeUserStatus } from './user-status.repo.js'

/** `user_basic.status` values. */
export const USER_STATUS = { disabled: 0, enabled: 1 } as const

/** A status an admin or the `user` command can set. */
export type UserStatus = (typeof USER_STATUS)[keyof typeof USER_STATUS]

const statusKey = (userId: bigint) => `user:${userId}:status`

const policy = (ttl: Ttl, missing: Ttl): EntryPolicy => ({ name: 'user_status', ttl, missing })
const clusterPolicy = policy(TTL.userStatus, TTL.userNotExists)
// Without Redis no bus reaches this process when another one (the `user` command) changes a
// status, so the cached status lives at most 3 s: a change applies within 5 s.
const EMBEDDED_STATUS_TTL: Ttl = { seconds: 2, jitter: 1 }
const embeddedPolicy = policy(EMBEDDED_STATUS_TTL, EMBEDDED_STATUS_TTL)

type StatusDeps = Pick<Deps, 'cache' | 'db' | 'redis'>

/** True when the user exists and is enabled (`user:{id}:status`, cached). */
export async function isUserEnabled(deps: StatusDeps, userId: bigint): Promise<boolean> {
  const status = await deps.cache.getOrLoad(
    statusKey(userId),
    deps.redis ? clusterPolicy : embeddedPolicy,
    () => readUserStatus(deps.db.write, userId),
  )
  return status === USER_STATUS.enabled
}

/**
 * The one way to enable or disable a user: writes the row, then drops the cached status from L2
 * and from every node's L1 (through the cache bus), so the next request, refresh or socket
 * handshake sees it; disabling also disconnects the user's open sockets on every node.
 * False when there is no such user.
 */
export async function changeUserStatus(
  deps: StatusDeps & Pick<Deps, 'userSockets'>,
  userId: bigint,
  status: UserStatus,
): Promise<boolean> {
  if (!(await writeUserStatus(deps.db.write, userId, status))) return false
  await deps.cache.delete(statusKey(userId))
  if (status !== USER_STATUS.enabled) await deps.userSockets.disconnect(userId)
  return true
}

/** Which of `userIds` are not enabled any more, read from the database (no cache). */
export function disabledAmong(deps: Pick<Deps, 'db'>, userIds: readonly bigint[]) {
  return notEnabledAmong(deps.db.write, userIds, USER_STATUS.enabled)
}
