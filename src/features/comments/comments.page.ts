import type { Deps } from '../../deps.js'
import { findCommentCursor, type ScoredIds } from './comments.repo.js'

/**
 * Where a page starts. Lists are ordered by score, then id, both descending: a total order, so
 * a page that starts right after a named comment reaches every comment exactly once, however
 * many share a second. `below` is the original's cursor (a score): the first entry under it.
 */
export type Cursor = { after: { score: bigint; id: bigint } } | { below: bigint } | null

/** One page of a comment list. */
export interface CommentListPage {
  /** Comments in the whole list. */
  total: number
  /** The id of the list's last comment (the cursor that ends it); null when it is empty. */
  endId: bigint | null
  /** The id of this page's last comment, the next page's `offset`; null when it is empty. */
  lastId: bigint | null
  ids: bigint[]
}

const MAX_ID = 2n ** 63n - 1n

/**
 * The cursor an `offset` stands for: a comment of the list (or one that left it since) names a
 * position; anything else is read as the original's score, so offsets already held still work.
 */
export async function readCursor(
  deps: Pick<Deps, 'db'>,
  list: ScoredIds,
  of: { type: 'a' | 'c'; source: bigint },
  offset: bigint | null,
): Promise<Cursor> {
  if (offset === null) return null
  const index = list.ids.indexOf(offset.toString())
  if (index >= 0) return { after: { score: BigInt(list.scores[index] as string), id: offset } }
  const place = offset <= MAX_ID ? await findCommentCursor(deps.db.read, offset) : null
  const inList =
    place !== null &&
    (of.type === 'a'
      ? place.articleId === of.source && place.parentId === null
      : place.parentId === of.source)
  return inList ? { after: { score: place.score, id: offset } } : { below: offset }
}

/** Whether the entry at `index` comes after the cursor. */
function isPast(list: ScoredIds, index: number, cursor: NonNullable<Cursor>): boolean {
  const score = BigInt(list.scores[index] as string)
  if ('below' in cursor) return score < cursor.below
  const { after } = cursor
  return (
    score < after.score || (score === after.score && BigInt(list.ids[index] as string) < after.id)
  )
}

/** The page of `limit` entries of `list` that starts at `cursor`. */
export function pageOf(list: ScoredIds, cursor: Cursor, limit: number): CommentListPage {
  const { ids } = list
  if (ids.length === 0) return { total: 0, endId: null, lastId: null, ids: [] }
  let start = 0
  if (cursor !== null) {
    // Entries past the cursor form the tail of the list: find where it begins.
    let high = ids.length
    while (start < high) {
      const middle = (start + high) >>> 1
      if (isPast(list, middle, cursor)) high = middle
      else start = middle + 1
    }
  }
  const end = Math.min(start + limit, ids.length)
  return {
    total: ids.length,
    endId: BigInt(ids[ids.length - 1] as string),
    lastId: end > start ? BigInt(ids[end - 1] as string) : null,
    ids: ids.slice(start, end).map((id) => BigInt(id)),
  }
}
