import type { Deps } from '../deps.js'
import { listChannelArticles } from '../features/articles/articles.repo.js'
import { cachedArticleInfo } from '../features/articles/articles.cache.js'
import { readArticleIds } from '../features/history/reading-history.js'
import { ATTITUDE, cachedAttitudes } from '../features/interactions/attitudes.cache.js'
import { blacklistedUsers } from '../features/social/relations.cache.js'
import type { Recommender, Trace } from './recommender.js'

const ALGORITHM = 'latest'

type StrategyDeps = Pick<Deps, 'db' | 'cache' | 'sortedSets'>

/** Trace strings in the shape the original's recommender wrote them. */
export function traceFor(viewer: string, articleId: bigint, algorithm: string): Trace {
  const param = (action: string) =>
    JSON.stringify({
      action,
      userId: viewer,
      articleId: articleId.toString(),
      algorithmCombine: algorithm,
    })
  return {
    click: param('click'),
    collect: param('collect'),
    share: param('share'),
    read: param('read'),
  }
}

/**
 * Newest approved articles of the channel before the cursor, skipping what the user already
 * read or disliked and the authors they blacklisted.
 */
export function latestStrategy(deps: StrategyDeps): Recommender {
  return {
    async userRecommend(request) {
      const { userId } = request
      const [read, attitudes, blocked] = userId
        ? await Promise.all([
            readArticleIds(deps, userId).catch(() => []),
            cachedAttitudes(deps, userId),
            blacklistedUsers(deps, userId),
          ])
        : [[], {}, []]
      const disliked = Object.entries(attitudes)
        .filter(([, attitude]) => attitude === ATTITUDE.dislike)
        .map(([id]) => BigInt(id))
      const stamps = await listChannelArticles(deps.db.read, {
        channelId: request.channelId,
        beforeMs: request.timestamp,
        limit: request.count,
        exclude: [...read, ...disliked],
        blockedAuthors: blocked,
      })
      const last = stamps.at(-1)
      return {
        exposure: JSON.stringify({
          action: 'exposure',
          userId: request.viewer,
          articleId: stamps.map((s) => s.id.toString()),
          algorithmCombine: ALGORITHM,
        }),
        timestamp: last ? last.createdMs : request.timestamp,
        items: stamps.map((s) => ({
          articleId: s.id,
          trace: traceFor(request.viewer, s.id, ALGORITHM),
        })),
      }
    },

    async similarArticles(articleId, count) {
      const info = await cachedArticleInfo(deps, articleId)
      if (!info) return []
      const stamps = await listChannelArticles(deps.db.read, {
        channelId: info.ch_id,
        beforeMs: Date.now(),
        limit: count,
        exclude: [articleId],
      })
      return stamps.map((s) => s.id)
    },
  }
}
