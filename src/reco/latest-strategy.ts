import type { Deps } from '../deps.js'
import { listChannelArticles } from '../features/articles/articles.repo.js'
import { cachedArticleInfo } from '../features/articles/articles.cache.js'
import { readArticleIds } from '../features/history/reading-history.js'
import { ATTITUDE, cachedAttitudes } from '../features/interactions/attitudes.cache.js'
import { blacklistedUsers } from '../features/social/relations.cache.js'
import { markShown, shownArticles, viewerOf } from './reco-state.js'
import type { Recommender } from './recommender.js'
import { exposureFor, tracesFor } from './trace.js'

const ALGORITHM = 'latest'

type StrategyDeps = Pick<Deps, 'db' | 'cache' | 'sortedSets' | 'log'>

/**
 * Newest approved articles of the channel before the cursor, skipping what the user already
 * read or disliked, the authors they blacklisted, and what the feed already showed the viewer.
 * Stateless apart from that: the fallback when the recommender is down, and the feed of callers
 * with no identity at all. Its shown-state reads and writes are best effort.
 */
export function latestStrategy(deps: StrategyDeps): Recommender {
  return {
    async userRecommend(request) {
      const { userId } = request
      const viewer = viewerOf(request)
      const [read, attitudes, blocked, shown] = await Promise.all([
        userId ? readArticleIds(deps, userId).catch(() => []) : [],
        userId ? cachedAttitudes(deps, userId) : {},
        userId ? blacklistedUsers(deps, userId) : [],
        viewer ? shownArticles(deps.sortedSets, viewer.key).catch(() => null) : null,
      ])
      const disliked = Object.entries(attitudes)
        .filter(([, attitude]) => attitude === ATTITUDE.dislike)
        .map(([id]) => BigInt(id))
      const stamps = await listChannelArticles(deps.db.read, {
        channelId: request.channelId,
        beforeMs: request.timestamp,
        limit: request.count,
        exclude: [...read, ...disliked, ...(shown?.ids ?? [])],
        blockedAuthors: blocked,
      })
      const ids = stamps.map((s) => s.id)
      if (viewer && ids.length > 0) {
        // Not awaited: the fallback must answer even when the shared store is what is slow.
        const stored = shown?.members ?? 0
        markShown(deps.sortedSets, viewer.key, ids, Date.now(), stored).catch((error: unknown) =>
          deps.log.warn({ err: error }, 'feed: recording shown articles failed'),
        )
      }
      const last = stamps.at(-1)
      const traceOf = tracesFor(request.viewer, ALGORITHM)
      return {
        exposure: exposureFor(request.viewer, ids, ALGORITHM),
        timestamp: last ? last.createdMs : request.timestamp,
        items: ids.map((id) => ({ articleId: id, trace: traceOf(id) })),
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
