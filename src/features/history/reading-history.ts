import type { Deps } from '../../deps.js'

/** The original keeps the newest 100 articles a user read. */
export const READING_HISTORY_SIZE = 100

const historyKey = (userId: bigint) => `user:${userId}:his:reading`

type HistoryDeps = Pick<Deps, 'sortedSets'>

/** Records that the user read the article now (`user:{id}:his:reading`, score = unix seconds). */
export function recordReading(
  deps: HistoryDeps,
  userId: bigint,
  articleId: bigint,
  nowMs = Date.now(),
) {
  return deps.sortedSets.addCapped(
    historyKey(userId),
    articleId.toString(),
    nowMs / 1000,
    READING_HISTORY_SIZE,
  )
}

/** Read article ids, newest first, for a page; and how many there are. */
export async function readingHistoryPage(
  deps: HistoryDeps,
  userId: bigint,
  page: number,
  perPage: number,
): Promise<{ total: number; ids: bigint[] }> {
  const start = (page - 1) * perPage
  const [total, members] = await Promise.all([
    deps.sortedSets.count(historyKey(userId)),
    deps.sortedSets.rangeDesc(historyKey(userId), start, start + perPage - 1),
  ])
  return { total, ids: members.map((m) => BigInt(m.member)) }
}

/** Every article id in the user's reading history. */
export async function readArticleIds(deps: HistoryDeps, userId: bigint): Promise<bigint[]> {
  const members = await deps.sortedSets.rangeDesc(historyKey(userId), 0, -1)
  return members.map((m) => BigInt(m.member))
}
