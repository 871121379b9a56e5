import type { Deps } from '../../deps.js'
import { articleCards } from '../articles/article-cards.js'
import { ATTITUDE, cachedAttitudes } from '../interactions/attitudes.cache.js'
import { readingHistoryPage } from './reading-history.js'

type HistoryDeps = Pick<Deps, 'cache' | 'db' | 'counters' | 'storage' | 'sortedSets'>

/**
 * `GET /user/histories`: the articles the user read, newest first, each with `is_liking`.
 * Articles gone since are left out of the page; `total_count` counts the recorded reads.
 */
export async function readingHistory(
  deps: HistoryDeps,
  userId: bigint,
  page: number,
  perPage: number,
) {
  const [{ total, ids }, attitudes] = await Promise.all([
    readingHistoryPage(deps, userId, page, perPage),
    cachedAttitudes(deps, userId),
  ])
  const cards = await articleCards(deps, ids)
  const results = cards.map((card) => ({
    ...card,
    is_liking: attitudes[card.art_id.toString()] === ATTITUDE.like,
  }))
  return { total_count: total, page, per_page: perPage, results }
}
