import type { Deps } from '../../deps.js'
import { AppError } from '../../errors.js'
import { SearchUnavailableError } from '../../infra/search/search-engine.js'
import { articleCards, type ArticleCard } from '../articles/article-cards.js'
import { recordSearch } from './search-history.js'

/** What the 503 says when the search engine cannot answer. */
export const SEARCH_UNAVAILABLE = 'Search service is unavailable, please try again later.'
/** Suggestions per answer (the original's completion size). */
export const SUGGESTION_LIMIT = 10

type SearchDeps = Pick<
  Deps,
  'search' | 'sortedSets' | 'log' | 'cache' | 'db' | 'counters' | 'storage' | 'activity'
>

/** Runs an engine call; an unreachable engine becomes 503, nothing else is affected. */
async function engine<T>(deps: Pick<Deps, 'log'>, call: () => Promise<T>): Promise<T> {
  try {
    return await call()
  } catch (error) {
    if (!(error instanceof SearchUnavailableError)) throw error
    deps.log.warn({ err: error }, 'search engine unavailable')
    throw new AppError(503, SEARCH_UNAVAILABLE)
  }
}

/** A page of approved articles matching `q`; page 1 of a logged-in user is kept in history. */
export async function searchArticles(
  deps: SearchDeps,
  options: { q: string; page: number; perPage: number; userId: bigint | null },
): Promise<{ total_count: number; page: number; per_page: number; results: ArticleCard[] }> {
  const { q, page, perPage, userId } = options
  const found = await engine(deps, () => deps.search.search(q, { page, perPage }))
  const keyword = q.trim()
  if (page === 1) await deps.activity.record({ kind: 'search', userId, keyword })
  if (userId !== null && page === 1 && keyword) {
    // As the original: history is a side effect that must not fail the search.
    await recordSearch(deps, userId, keyword).catch((error: unknown) =>
      deps.log.warn({ err: error }, 'search history not saved'),
    )
  }
  const results = await articleCards(deps, found.ids)
  return { total_count: found.total, page, per_page: perPage, results }
}

/** Completions of `q` (also by pinyin), else a corrected phrase: unique non-empty strings. */
export async function suggestions(deps: SearchDeps, q: string): Promise<{ options: string[] }> {
  const found = await engine(deps, () => deps.search.suggest(q, SUGGESTION_LIMIT))
  const options = [...new Set(found.filter((option) => typeof option === 'string' && option))]
  return { options }
}
