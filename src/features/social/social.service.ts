import type { Deps } from '../../deps.js'
import { AppError } from '../../errors.js'
import { COUNTERS } from '../../infra/store/counters.js'
import { cachedUser } from '../users/users.cache.js'
import { photoUrl } from '../users/users.service.js'
import { followPage, forgetFollow, inFollowList } from './follows.cache.js'
import { cachedRelations } from './relations.cache.js'
import { RELATION } from './relations.repo.js'
import { setRelation, type FollowSide } from './social.repo.js'

type SocialDeps = Pick<Deps, 'db' | 'cache' | 'counters' | 'notifications' | 'storage'>

/** The target of a follow or blacklist: an existing user other than the caller. */
async function requireTarget(
  deps: SocialDeps,
  userId: bigint,
  target: bigint,
  selfMessage: string,
) {
  if (!(await cachedUser(deps, target))) {
    throw new AppError(400, 'Invalid target user id.')
  }
  if (target === userId) throw new AppError(400, selfMessage)
  return target
}

/**
 * Sets the relation (only from `onlyFrom` when given), then, after the write, drops the caches
 * of both users and moves the follow counters when a follow began or ended. Answers the relation
 * it replaced, or null when nothing changed.
 */
async function changeRelation(
  deps: SocialDeps,
  userId: bigint,
  target: bigint,
  to: number,
  onlyFrom?: number,
) {
  const from = await setRelation(deps.db.write, userId, target, to, onlyFrom)
  if (from === null) return null
  await forgetFollow(deps, userId, target)
  const delta = (to === RELATION.follow ? 1 : 0) - (from === RELATION.follow ? 1 : 0)
  if (delta !== 0) {
    await Promise.all([
      deps.counters.incr(COUNTERS.userFollowings, userId, delta),
      deps.counters.incr(COUNTERS.userFollowers, target, delta),
    ])
  }
  return from
}

/** `POST /user/followings`: follows the target (ending a blacklisting) and tells them. */
export async function follow(deps: SocialDeps, userId: bigint, id: bigint) {
  const target = await requireTarget(deps, userId, id, 'User cannot follow self.')
  const from = await changeRelation(deps, userId, target, RELATION.follow)
  // Only a new follow is announced: a client repeating its request does not spam the target.
  if (from !== null) await notifyFollow(deps, userId, target)
  return { target }
}

async function notifyFollow(deps: SocialDeps, userId: bigint, target: bigint) {
  const me = await cachedUser(deps, userId)
  deps.notifications.publish({
    event: 'following notify',
    to: target,
    payload: {
      user_id: userId,
      user_name: me?.name ?? '',
      user_photo: photoUrl(deps, me ?? { photo: '' }),
      timestamp: Math.floor(Date.now() / 1000),
    },
  })
}

/** `DELETE /user/followings/:target`: ends a follow; a blacklisting is left as it is. */
export async function unfollow(deps: SocialDeps, userId: bigint, target: bigint | null) {
  if (target !== null) await changeRelation(deps, userId, target, RELATION.none, RELATION.follow)
}

/** `POST /user/blacklists`: blacklists the target; a follow becomes a blacklisting. */
export async function blacklist(deps: SocialDeps, userId: bigint, id: bigint) {
  const target = await requireTarget(deps, userId, id, 'User cannot blacklist self.')
  await changeRelation(deps, userId, target, RELATION.blacklist)
  return { target }
}

/** `DELETE /user/blacklists/:target`: ends a blacklisting; a follow is left as it is. */
export async function unblacklist(deps: SocialDeps, userId: bigint, target: bigint | null) {
  if (target !== null) {
    await changeRelation(deps, userId, target, RELATION.none, RELATION.blacklist)
  }
}

/** A page of whom the user follows (`followings`) or who follows the user (`followers`). */
export async function followListPage(
  deps: SocialDeps,
  side: FollowSide,
  userId: bigint,
  page: number,
  perPage: number,
) {
  const { total, ids } = await followPage(deps, side, userId, page, perPage)
  const [users, fans, mutual] = await Promise.all([
    Promise.all(ids.map((id) => cachedUser(deps, id))),
    deps.counters.getMany(COUNTERS.userFollowers, ids),
    mutualFollows(deps, side, userId, ids),
  ])
  const results = ids.flatMap((id, i) => {
    const user = users[i]
    // A user deleted since the follow is left out, as deleted articles are.
    if (!user) return []
    return [
      {
        id,
        name: user.name,
        photo: photoUrl(deps, user),
        fans_count: fans[i] ?? 0,
        mutual_follow: mutual.has(id),
      },
    ]
  })
  return { total_count: total, page, per_page: perPage, results }
}

/** Of the users in my followings, those who follow me back; of my followers, those I follow. */
async function mutualFollows(
  deps: SocialDeps,
  side: FollowSide,
  userId: bigint,
  ids: bigint[],
): Promise<Set<bigint>> {
  if (side === 'followings') return inFollowList(deps, 'followers', userId, ids)
  const relations = await cachedRelations(deps, userId)
  return new Set(ids.filter((id) => relations[id.toString()] === RELATION.follow))
}
