import type { Deps } from '../../deps.js'
import { TTL, type EntryPolicy } from '../../infra/cache/ttl.js'
import { forgetRelations } from './relations.cache.js'
import { countFollows, followsAmong, listFollows, type FollowSide } from './social.repo.js'

type CacheDeps = Pick<Deps, 'cache' | 'db'>

/**
 * The newest follows of a list, as the original's zset held them: `[user id, change time in
 * unix seconds]`, newest first. Only the first `LIST_CAP` are kept, so a famous user's fans
 * never make a huge entry; `total` counts them all.
 */
export interface FollowList {
  total: number
  items: [id: string, changedAt: number][]
}

/** Entries kept per list; pages beyond them are read from the database. */
export const LIST_CAP = 1000

const keys: Record<FollowSide, (userId: bigint) => string> = {
  followings: (userId) => `user:${userId}:following`,
  followers: (userId) => `user:${userId}:fans`,
}
const policies: Record<FollowSide, EntryPolicy> = {
  followings: { name: 'user_following', ttl: TTL.userFollowings },
  followers: { name: 'user_fans', ttl: TTL.userFans },
}

/**
 * `user:{id}:following` / `user:{id}:fans`. Loaded from the primary: right after a write drops
 * the entry, a lagging replica would put the old list back for half an hour.
 */
export async function cachedFollowList(
  deps: CacheDeps,
  side: FollowSide,
  userId: bigint,
): Promise<FollowList> {
  const list = await deps.cache.getOrLoad(keys[side](userId), policies[side], async () => {
    const rows = await listFollows(deps.db.write, side, userId, LIST_CAP)
    const total =
      rows.length < LIST_CAP ? rows.length : await countFollows(deps.db.write, side, userId)
    return {
      total,
      items: rows.map((row): [string, number] => [
        row.id.toString(),
        Math.floor(row.changedMs / 1000),
      ]),
    }
  })
  return list ?? { total: 0, items: [] }
}

/** The ids of one page of a follow list, newest first, and the size of the whole list. */
export async function followPage(
  deps: CacheDeps,
  side: FollowSide,
  userId: bigint,
  page: number,
  perPage: number,
): Promise<{ total: number; ids: bigint[] }> {
  const list = await cachedFollowList(deps, side, userId)
  const start = (page - 1) * perPage
  const complete = list.items.length >= list.total
  if (start >= list.total) return { total: list.total, ids: [] }
  if (complete || start + perPage <= list.items.length) {
    const items = list.items.slice(start, start + perPage)
    return { total: list.total, ids: items.map(([id]) => BigInt(id)) }
  }
  const rows = await listFollows(deps.db.read, side, userId, perPage, start)
  return { total: list.total, ids: rows.map((row) => row.id) }
}

/** Which of `ids` are in the user's follow list (from the cached list when it is whole). */
export async function inFollowList(
  deps: CacheDeps,
  side: FollowSide,
  userId: bigint,
  ids: readonly bigint[],
): Promise<Set<bigint>> {
  const list = await cachedFollowList(deps, side, userId)
  if (list.items.length < list.total) return followsAmong(deps.db.read, side, userId, ids)
  const members = new Set(list.items.map(([id]) => id))
  return new Set(ids.filter((id) => members.has(id.toString())))
}

/**
 * After the user's relation to the target changed: the user's followings and relations, and
 * the target's fans.
 */
export async function forgetFollow(
  deps: Pick<Deps, 'cache'>,
  userId: bigint,
  target: bigint,
): Promise<void> {
  await Promise.all([
    deps.cache.delete(keys.followings(userId), keys.followers(target)),
    forgetRelations(deps, userId),
  ])
}
