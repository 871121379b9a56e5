import type { Deps } from '../../deps.js'
import { TTL, type EntryPolicy } from '../../infra/cache/ttl.js'
import { toId, toInt } from '../../infra/db/values.js'

/** `news_attitude.attitude` values (NULL: cancelled). */
export const ATTITUDE = { dislike: 0, like: 1 } as const

type CacheDeps = Pick<Deps, 'cache' | 'db'>
/** Article id (decimal) → 0 dislike / 1 like. */
export type AttitudeMap = Record<string, number>

const attitudesKey = (userId: bigint) => `user:${userId}:art:attitude`
const attitudesPolicy: EntryPolicy = {
  name: 'user_attitudes',
  ttl: TTL.userArticleAttitude,
  missing: TTL.userArticleAttitudeNotExists,
}

/** `user:{id}:art:attitude`: the user's likes and dislikes. */
export async function cachedAttitudes(deps: CacheDeps, userId: bigint): Promise<AttitudeMap> {
  const map = await deps.cache.getOrLoad(attitudesKey(userId), attitudesPolicy, async () => {
    const rows = await deps.db.write
      .selectFrom('news_attitude')
      .select(['article_id', 'attitude'])
      .where('user_id', '=', userId.toString())
      .where('attitude', 'is not', null)
      .execute()
    if (rows.length === 0) return null
    return Object.fromEntries(
      rows.map((row) => [toId(row.article_id).toString(), toInt(row.attitude)]),
    )
  })
  return map ?? {}
}

/** The user's attitude to an article: -1 none, 0 dislike, 1 like. */
export async function attitudeTo(deps: CacheDeps, userId: bigint, articleId: bigint) {
  return (await cachedAttitudes(deps, userId))[articleId.toString()] ?? -1
}

/** After the user likes, dislikes or cancels either. */
export function forgetAttitudes(deps: Pick<Deps, 'cache'>, userId: bigint): Promise<void> {
  return deps.cache.delete(attitudesKey(userId))
}
