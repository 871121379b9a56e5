import type { Deps } from '../../deps.js'
import { AppError } from '../../errors.js'
import { isUniqueViolation } from '../../infra/db/errors.js'
import { COUNTERS, type CounterName } from '../../infra/store/counters.js'
import { articleCards } from '../articles/article-cards.js'
import { cachedArticleInfo } from '../articles/articles.cache.js'
import type { ArticleInfo } from '../articles/articles.repo.js'
import { writeTrace } from '../articles/articles.service.js'
import { cachedCommentBodies } from '../comments/comments.cache.js'
import { cachedUser } from '../users/users.cache.js'
import { photoUrl } from '../users/users.service.js'
import { ATTITUDE, cachedAttitudes, forgetAttitudes } from './attitudes.cache.js'
import { cachedCollections, forgetCollections } from './collections.cache.js'
import { forgetCommentLikings } from './comment-likings.cache.js'
import {
  findArticleAuthor,
  insertReport,
  setAttitude,
  setFlag,
  type Change,
} from './interactions.repo.js'

/** `news_report.type`: 0 (other, the only type that keeps a remark) to 8. */
export const REPORT_TYPES = { other: 0, max: 8 } as const
const MAX_REMARK_CHARS = 200

type Attitude = (typeof ATTITUDE)[keyof typeof ATTITUDE]
type Delta = [CounterName, bigint, number]

/** The approved article `id` names, else 400 (the original's `Invalid target article id.`). */
async function requireArticle(deps: Deps, id: bigint | null): Promise<ArticleInfo> {
  const info = id === null ? null : await cachedArticleInfo(deps, id)
  if (!info) throw new AppError(400, 'Invalid target article id.')
  return info
}

// Increments run after the commit; a failing one is logged by the counter store, never thrown.
async function applyDeltas(deps: Deps, deltas: Delta[]) {
  await Promise.all(deltas.map(([name, id, by]) => deps.counters.incr(name, id, by)))
}

/** The counter moves of an attitude change (liking counts also go to the author). */
function attitudeDeltas(articleId: bigint, authorId: bigint | null, change: Change<number | null>) {
  const deltas: Delta[] = []
  const { before, after } = change
  if (before === after) return deltas
  for (const [value, by] of [
    [before, -1],
    [after, 1],
  ] as const) {
    if (value === ATTITUDE.like) {
      deltas.push([COUNTERS.articleLiking, articleId, by])
      if (authorId !== null) deltas.push([COUNTERS.userLiked, authorId, by])
    } else if (value === ATTITUDE.dislike) {
      deltas.push([COUNTERS.articleDislike, articleId, by])
    }
  }
  return deltas
}

/** POST /article/likings and /article/dislikes: the user's one attitude to the article. */
export async function setArticleAttitude(
  deps: Deps,
  userId: bigint,
  target: bigint | null,
  attitude: Attitude,
) {
  const info = await requireArticle(deps, target)
  const change = await setAttitude(deps.db.write, userId, info.art_id, attitude)
  await forgetAttitudes(deps, userId)
  await applyDeltas(deps, attitudeDeltas(info.art_id, info.aut_id, change))
  if (change.before !== ATTITUDE.like && change.after === ATTITUDE.like) {
    await notifyLiking(deps, userId, info)
  }
  return { target: info.art_id }
}

/** DELETE /article/likings/:id and /article/dislikes/:id: cancels that attitude if it is held. */
export async function cancelArticleAttitude(
  deps: Deps,
  userId: bigint,
  target: bigint | null,
  attitude: Attitude,
) {
  if (target === null) return
  const change = await setAttitude(deps.db.write, userId, target, null, attitude)
  await forgetAttitudes(deps, userId)
  if (change.before === change.after) return
  // The article may be gone by now; the author still loses the like it had counted.
  const authorId =
    attitude === ATTITUDE.like ? await findArticleAuthor(deps.db.write, target) : null
  await applyDeltas(deps, attitudeDeltas(target, authorId, change))
}

async function notifyLiking(deps: Deps, userId: bigint, info: ArticleInfo) {
  if (info.aut_id === userId) return
  // The like is stored and counted by now: a failing push must not fail the request.
  try {
    const user = await cachedUser(deps, userId)
    deps.notifications.publish({
      event: 'liking notify',
      to: info.aut_id,
      payload: {
        user_id: userId,
        user_name: user?.name ?? '',
        user_photo: photoUrl(deps, user ?? { photo: '' }),
        art_id: info.art_id,
        art_title: info.title,
        timestamp: Math.floor(Date.now() / 1000),
      },
    })
  } catch (error) {
    deps.log.warn({ err: error }, 'liking notify failed')
  }
}

/** POST /article/collections (the `Trace` header goes to the recommender's log). */
export async function collectArticle(
  deps: Deps,
  userId: bigint,
  target: bigint | null,
  trace: string | undefined,
) {
  const info = await requireArticle(deps, target)
  const changed = await setFlag(deps.db.write, 'collection', userId, info.art_id, true)
  await forgetCollections(deps, userId)
  if (changed) await applyDeltas(deps, collectingDeltas(info.art_id, userId, 1))
  writeTrace(deps, trace, { channelId: info.ch_id })
  return { target: info.art_id }
}

/** DELETE /article/collections/:id. */
export async function uncollectArticle(deps: Deps, userId: bigint, target: bigint | null) {
  if (target === null) return
  const changed = await setFlag(deps.db.write, 'collection', userId, target, false)
  await forgetCollections(deps, userId)
  if (changed) await applyDeltas(deps, collectingDeltas(target, userId, -1))
}

const collectingDeltas = (articleId: bigint, userId: bigint, by: number): Delta[] => [
  [COUNTERS.articleCollecting, articleId, by],
  [COUNTERS.userArticleCollecting, userId, by],
]

/** GET /article/collections: collected articles, latest first, each with `is_liking`. */
export async function collectionsPage(deps: Deps, userId: bigint, page: number, perPage: number) {
  const stamps = await cachedCollections(deps, userId)
  const start = (page - 1) * perPage
  const ids = stamps.slice(start, start + perPage).map((stamp) => stamp.id)
  const [cards, attitudes] = await Promise.all([
    articleCards(deps, ids),
    cachedAttitudes(deps, userId),
  ])
  return {
    total_count: stamps.length,
    page,
    per_page: perPage,
    results: cards.map((card) => ({
      ...card,
      is_liking: attitudes[card.art_id.toString()] === ATTITUDE.like,
    })),
  }
}

/** POST /article/reports: one report per user and article. */
export async function reportArticle(
  deps: Deps,
  userId: bigint,
  report: { target: bigint | null; type: number; remark: string | undefined },
) {
  const info = await requireArticle(deps, report.target)
  const { type } = report
  const remark = type === REPORT_TYPES.other ? (report.remark ?? null) : null
  // The column holds 200 characters; the original failed with a 500 beyond that.
  if (remark !== null && [...remark].length > MAX_REMARK_CHARS) {
    throw new AppError(400, { remark: 'Remark is too long.' })
  }
  try {
    await insertReport(deps.db.write, { userId, articleId: info.art_id, type, remark })
  } catch (error) {
    if (isUniqueViolation(error)) throw new AppError(409, 'User has reported this article.')
    throw error
  }
  return { target: info.art_id, type }
}

/** POST /comment/likings: the comment must be approved. */
export async function likeComment(deps: Deps, userId: bigint, target: bigint | null) {
  // `comm:{id}` holds approved comments only (and looks on the primary before caching a miss).
  const [comment] = target === null ? [null] : await cachedCommentBodies(deps, [target])
  if (target === null || !comment) {
    throw new AppError(400, { target: 'Invalid target comment id.' })
  }
  await changeCommentLiking(deps, userId, target, true)
  return { target }
}

/** DELETE /comment/likings/:id. */
export async function unlikeComment(deps: Deps, userId: bigint, target: bigint | null) {
  if (target !== null) await changeCommentLiking(deps, userId, target, false)
}

async function changeCommentLiking(deps: Deps, userId: bigint, target: bigint, liked: boolean) {
  const changed = await setFlag(deps.db.write, 'commentLiking', userId, target, liked)
  await forgetCommentLikings(deps, userId)
  if (changed) await applyDeltas(deps, [[COUNTERS.commentLiking, target, liked ? 1 : -1]])
}
