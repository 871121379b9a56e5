import type { Deps } from '../deps.js'
import { cachedArticleInfo } from '../features/articles/articles.cache.js'
import type { ChatLookups } from './chat-robot.js'
import { findTitlesContaining } from './realtime.repo.js'

type LookupDeps = Pick<Deps, 'db' | 'cache' | 'recommender' | 'search' | 'log'>

/** The robot's lookups on Headline's own data: the feed's recommender and the article search. */
export function chatLookups(deps: LookupDeps): ChatLookups {
  const titlesOf = async (ids: readonly bigint[]) => {
    const infos = await Promise.all(ids.map((id) => cachedArticleInfo(deps, id)))
    return infos.flatMap((info) => (info ? [info.title] : []))
  }
  return {
    async recommendedTitles(userId, count) {
      const page = await deps.recommender.userRecommend({
        viewer: userId === null ? '' : userId.toString(),
        userId,
        channelId: 0,
        count,
        timestamp: Date.now(),
      })
      return titlesOf(page.items.map((item) => item.articleId))
    },
    async matchingTitles(query, count) {
      let ids: bigint[]
      try {
        ids = (await deps.search.search(query, { page: 1, perPage: count })).ids
      } catch (error) {
        // The engine is down or (embedded, or an `im` process that never builds it) not ready:
        // titles containing the words still make a useful answer.
        deps.log.debug({ err: error }, 'chat: search unavailable, matching titles in SQL')
        return findTitlesContaining(deps.db.read, query, count)
      }
      return titlesOf(ids)
    },
  }
}
