import type { Deps } from '../../deps.js'
import { userHistory } from '../../infra/store/user-history.js'

/** The original keeps the newest 100 articles a user read. */
export const READING_HISTORY_SIZE = 100

const history = userHistory('reading', READING_HISTORY_SIZE)

type HistoryDeps = Pick<Deps, 'sortedSets'>

const toIds = (members: string[]) => members.map((member) => BigInt(member))

/** Records that the user read the article now (`user:{id}:his:reading`, score = unix seconds). */
export function recordReading(
  deps: HistoryDeps,
  userId: bigint,
  articleId: bigint,
  nowMs = Date.now(),
) {
  return history.add(deps.sortedSets, userId, articleId.toString(), nowMs)
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
    history.count(deps.sortedSets, userId),
    history.newest(deps.sortedSets, userId, start, start + perPage - 1),
  ])
  return { total, ids: toIds(members) }
}

/** Every article id in the user's reading history. */
export async function readArticleIds(deps: HistoryDeps, userId: bigint): Promise<bigint[]> {
  return toIds(await history.newest(deps.sortedSets, userId))
}
