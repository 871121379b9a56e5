import type { Deps } from '../../deps.js'

/** The original keeps a user's newest 4 search keywords. */
export const SEARCH_HISTORY_SIZE = 4

const historyKey = (userId: bigint) => `user:${userId}:his:searching`

type HistoryDeps = Pick<Deps, 'sortedSets'>

/** Records a keyword (`user:{id}:his:searching`, score = unix seconds), keeping the newest 4. */
export function recordSearch(
  deps: HistoryDeps,
  userId: bigint,
  keyword: string,
  nowMs = Date.now(),
) {
  return deps.sortedSets.addCapped(historyKey(userId), keyword, nowMs / 1000, SEARCH_HISTORY_SIZE)
}

/** The user's keywords, newest first. */
export async function searchHistory(deps: HistoryDeps, userId: bigint): Promise<string[]> {
  const members = await deps.sortedSets.rangeDesc(historyKey(userId), 0, -1)
  return members.map((m) => m.member)
}

/** Forgets the user's keywords. */
export function clearSearchHistory(deps: HistoryDeps, userId: bigint): Promise<void> {
  return deps.sortedSets.clear(historyKey(userId))
}
