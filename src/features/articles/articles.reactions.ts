import type { Deps } from '../../deps.js'
import type { ArticleChange, ArticleListener } from '../../infra/events/article-events.js'
import { COUNTERS } from '../../infra/store/counters.js'
import { forgetArticles } from './articles.cache.js'
import { ARTICLE_STATUS } from './articles.repo.js'

const approved = (status: number | null) => status === ARTICLE_STATUS.approved

/** How an author's approved-article count moves with a change: +1, -1 or 0. */
export function approvedDelta(change: Pick<ArticleChange, 'from' | 'to'>): number {
  return Number(approved(change.to)) - Number(approved(change.from))
}

/**
 * The articles feature's part after a lifecycle change: its cache entries go (detail, info,
 * the author's list), and `count:user:arts` follows articles into and out of the approved set.
 */
export function articlesReaction(deps: Pick<Deps, 'cache' | 'counters'>): ArticleListener {
  return async (changes) => {
    await forgetArticles(deps, changes)
    const deltas = new Map<bigint, number>()
    for (const change of changes) {
      deltas.set(change.authorId, (deltas.get(change.authorId) ?? 0) + approvedDelta(change))
    }
    for (const [authorId, by] of deltas) {
      if (by !== 0) await deps.counters.incr(COUNTERS.userArticles, authorId, by)
    }
  }
}
