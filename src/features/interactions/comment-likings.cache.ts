import type { Deps } from '../../deps.js'
import { TTL, type EntryPolicy } from '../../infra/cache/ttl.js'
import { listLikedCommentIds } from './interactions.repo.js'

type CacheDeps = Pick<Deps, 'cache' | 'db'>

const likingsKey = (userId: bigint) => `user:${userId}:comm:liking`
const likingsPolicy: EntryPolicy = {
  name: 'user_comment_likings',
  ttl: TTL.userCommentLiking,
  missing: TTL.userCommentLikingNotExists,
}

/**
 * `user:{id}:comm:liking`: the decimal ids of the comments the user likes (for `is_liking` in
 * comment lists). A user who likes none is cached briefly as "none".
 */
export async function likedCommentIds(deps: CacheDeps, userId: bigint): Promise<Set<string>> {
  const ids = await deps.cache.getOrLoad(likingsKey(userId), likingsPolicy, async () => {
    const list = await listLikedCommentIds(deps.db.read, userId)
    return list.length === 0 ? null : list
  })
  return new Set(ids ?? [])
}

/** True when the user likes the comment. */
export async function likesComment(deps: CacheDeps, userId: bigint, commentId: bigint) {
  return (await likedCommentIds(deps, userId)).has(commentId.toString())
}

/** After the user likes or unlikes a comment. */
export function forgetCommentLikings(deps: Pick<Deps, 'cache'>, userId: bigint): Promise<void> {
  return deps.cache.delete(likingsKey(userId))
}
