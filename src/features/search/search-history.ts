import type { Deps } from '../../deps.js'
import { userHistory } from '../../infra/store/user-history.js'

/** The original keeps a user's newest 4 search keywords. */
export const SEARCH_HISTORY_SIZE = 4

const history = userHistory('searching', SEARCH_HISTORY_SIZE)

type HistoryDeps = Pick<Deps, 'sortedSets'>

/** Records a keyword (`user:{id}:his:searching`, score = unix seconds), keeping the newest 4. */
export function recordSearch(
  deps: HistoryDeps,
  userId: bigint,
  keyword: string,
  nowMs = Date.now(),
) {
  return history.add(deps.sortedSets, userId, keyword, nowMs)
}

/** The user's keywords, newest first. */
export function searchHistory(deps: HistoryDeps, userId: bigint): Promise<string[]> {
  return history.newest(deps.sortedSets, userId)
}

/** Forgets the user's keywords. */
export function clearSearchHistory(deps: HistoryDeps, userId: bigint): Promise<void> {
  return history.clear(deps.sortedSets, userId)
}
