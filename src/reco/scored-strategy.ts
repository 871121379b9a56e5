import type { Deps } from '../deps.js'
import { candidatePools, loadCandidates, type CandidatePools } from './candidates.js'
import { latestStrategy } from './latest-strategy.js'
import { loadProfile } from './profile.js'
import { markShown, viewerOf } from './reco-state.js'
import type { FeedPage, FeedRequest, Recommender } from './recommender.js'
import { pickPage } from './scoring.js'
import { contentSimilarity } from './similarity.js'
import { exposureFor, tracesFor } from './trace.js'

/** The `algorithmCombine` of this strategy's traces. */
export const ALGORITHM = 'score-v1'
/** Largest page served, whatever `article_num` asks for. */
export const MAX_PAGE = 50

type StrategyDeps = Pick<Deps, 'db' | 'cache' | 'sortedSets' | 'counters' | 'log'>

export interface ScoredOptions {
  /** The clock (tests fix it). */
  now?: () => number
  /** How long candidate pools and similarity indexes serve before they are reloaded. */
  poolTtlMs?: number
  indexTtlMs?: number
}

/** Thrown when the caller gave up before the page was recorded. */
export class AbortedError extends Error {
  constructor() {
    super('the caller gave up (deadline passed)')
    this.name = 'AbortError'
  }
}

/**
 * The recommendation strategy: recent approved articles of the channel, scored by freshness,
 * popularity and the viewer's own interests, minus everything the viewer saw, read or disliked
 * and the authors they blacklisted. Each page is remembered as shown, so refreshing brings new
 * items and scrolling continues without repeats until the candidates run out (an empty page).
 * Callers with no identity get the stateless newest-first feed.
 */
export function scoredStrategy(deps: StrategyDeps, options: ScoredOptions = {}): Recommender {
  const now = options.now ?? Date.now
  const pools: CandidatePools = candidatePools((channel) => loadCandidates(deps, channel), {
    ttlMs: options.poolTtlMs,
    now,
  })
  const similarity = contentSimilarity(deps, { ttlMs: options.indexTtlMs, now })
  const anonymous = latestStrategy(deps)

  return {
    async userRecommend(request: FeedRequest): Promise<FeedPage> {
      const viewer = viewerOf(request)
      if (!viewer) return anonymous.userRecommend(request)
      const at = now()
      const count = Math.min(Math.max(request.count, 1), MAX_PAGE)
      const [pool, { profile, shownPages }] = await Promise.all([
        pools.get(request.channelId),
        loadProfile(deps, pools, viewer, at),
      ])
      const ids = pickPage(pool, profile, count).map((entry) => entry.candidate.id)
      if (request.signal?.aborted) throw new AbortedError()
      await markShown(deps.sortedSets, viewer.key, ids, at, shownPages)
      const traceOf = tracesFor(request.viewer, ALGORITHM)
      return {
        exposure: exposureFor(request.viewer, ids, ALGORITHM),
        // A cursor below the request's, as clients expect; the shown-state does the paging.
        timestamp: ids.length > 0 ? Math.max(1, request.timestamp - 1) : request.timestamp,
        items: ids.map((id) => ({ articleId: id, trace: traceOf(id) })),
      }
    },

    similarArticles: (articleId, count) =>
      similarity.similarArticles(articleId, Math.min(Math.max(count, 1), MAX_PAGE)),

    candidatesChanged: (channelIds) => pools.forget(channelIds),
  }
}
