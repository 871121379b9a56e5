import type { Kysely } from 'kysely'
import type { Database } from '../../infra/db/schema.js'
import { isoDateTime, msOfDateTime, sqlDateTime, toId, toInt } from '../../infra/db/values.js'

/** `news_comment.status` values. */
export const COMMENT_STATUS = { unreviewed: 0, approved: 1, failed: 2, deleted: 3 } as const

/** Added to the score of pinned comments (`COMMENTS_CACHE_MAX_SCORE = 2e19`), so they sort first. */
export const PINNED_SCORE = 20_000_000_000_000_000_000n

/** What the original's `CommentCache` (`comm:{id}`) holds for an approved comment. */
export interface CommentBody {
  com_id: bigint
  aut_id: bigint
  /** ISO-8601 creation time. */
  pubdate: string
  content: string
  is_top: number
}

/**
 * A comment list (`art:{id}:comm`, `comm:{id}:reply`): ids and their scores, highest score first.
 * Decimal strings: exact, and far cheaper to cache than one tagged bigint per entry.
 */
export interface ScoredIds {
  ids: string[]
  scores: string[]
}

/** Where a comment sits: the article and, for a reply, the comment it answers. */
export interface CommentPlace {
  articleId: bigint
  parentId: bigint | null
}

type Db = Kysely<Database>

/** The original's score: creation time in unix seconds, plus 2e19 when pinned. */
export function commentScore(createTime: string, isTop: number): bigint {
  const seconds = BigInt(Math.floor(msOfDateTime(createTime) / 1000))
  return isTop ? seconds + PINNED_SCORE : seconds
}

const byScoreDesc = (a: [bigint, bigint], b: [bigint, bigint]) =>
  a[1] !== b[1] ? (a[1] > b[1] ? -1 : 1) : a[0] > b[0] ? -1 : a[0] < b[0] ? 1 : 0

/** Approved top-level comments of an article (`of.articleId`) or approved replies of a comment. */
export async function listScoredComments(
  db: Db,
  of: { articleId: bigint } | { parentId: bigint },
): Promise<ScoredIds> {
  let query = db
    .selectFrom('news_comment')
    .select(['comment_id', 'create_time', 'is_top'])
    .where('status', '=', COMMENT_STATUS.approved)
  query =
    'articleId' in of
      ? query.where('article_id', '=', of.articleId.toString()).where('parent_id', 'is', null)
      : query.where('parent_id', '=', of.parentId.toString())
  const rows = await query.execute()
  // Sorted here on the exact scores; equal scores newest id first, as ZREVRANGE orders members.
  const scored = rows
    .map((row): [bigint, bigint] => [
      toId(row.comment_id),
      commentScore(row.create_time, toInt(row.is_top)),
    ])
    .sort(byScoreDesc)
  return {
    ids: scored.map(([id]) => id.toString()),
    scores: scored.map(([, score]) => score.toString()),
  }
}

/** The approved comments among `ids` (any order). */
export async function findCommentBodies(db: Db, ids: readonly bigint[]): Promise<CommentBody[]> {
  if (ids.length === 0) return []
  const rows = await db
    .selectFrom('news_comment')
    .select(['comment_id', 'user_id', 'create_time', 'content', 'is_top'])
    .where(
      'comment_id',
      'in',
      ids.map((id) => id.toString()),
    )
    .where('status', '=', COMMENT_STATUS.approved)
    .execute()
  return rows.map((row) => ({
    com_id: toId(row.comment_id),
    aut_id: toId(row.user_id),
    pubdate: isoDateTime(row.create_time) ?? '',
    content: row.content,
    is_top: toInt(row.is_top),
  }))
}

/** The article and parent of an approved comment, or null. */
export async function findCommentPlace(db: Db, id: bigint): Promise<CommentPlace | null> {
  const row = await db
    .selectFrom('news_comment')
    .select(['article_id', 'parent_id'])
    .where('comment_id', '=', id.toString())
    .where('status', '=', COMMENT_STATUS.approved)
    .executeTakeFirst()
  if (!row) return null
  return {
    articleId: toId(row.article_id),
    parentId: row.parent_id === null ? null : toId(row.parent_id),
  }
}

/** A comment's place and score, whatever its status: where a page cursor naming it points. */
export async function findCommentCursor(
  db: Db,
  id: bigint,
): Promise<(CommentPlace & { score: bigint }) | null> {
  const row = await db
    .selectFrom('news_comment')
    .select(['article_id', 'parent_id', 'create_time', 'is_top'])
    .where('comment_id', '=', id.toString())
    .executeTakeFirst()
  if (!row) return null
  return {
    articleId: toId(row.article_id),
    parentId: row.parent_id === null ? null : toId(row.parent_id),
    score: commentScore(row.create_time, toInt(row.is_top)),
  }
}

/** Stores a new approved comment created at `at` (whole seconds, as its score counts them). */
export async function insertComment(
  db: Db,
  comment: {
    id: bigint
    userId: bigint
    articleId: bigint
    parentId: bigint | null
    content: string
    at: Date
  },
): Promise<void> {
  const time = sqlDateTime(comment.at)
  await db
    .insertInto('news_comment')
    .values({
      comment_id: comment.id.toString(),
      user_id: comment.userId.toString(),
      article_id: comment.articleId.toString(),
      parent_id: comment.parentId === null ? null : comment.parentId.toString(),
      content: comment.content,
      is_top: 0,
      status: COMMENT_STATUS.approved,
      create_time: time,
      update_time: time,
    })
    .execute()
}

/** A comment with the author of its article, whatever its status (author moderation). */
export interface ModeratedComment {
  id: bigint
  articleId: bigint
  articleAuthorId: bigint
  parentId: bigint | null
  status: number
  isTop: number
}

/** The comment and its article's author, or null. */
export async function findModeratedComment(db: Db, id: bigint): Promise<ModeratedComment | null> {
  const row = await db
    .selectFrom('news_comment as c')
    .innerJoin('news_article_basic as a', 'a.article_id', 'c.article_id')
    .select(['c.comment_id', 'c.article_id', 'a.user_id', 'c.parent_id', 'c.status', 'c.is_top'])
    .where('c.comment_id', '=', id.toString())
    .executeTakeFirst()
  if (!row) return null
  return {
    id: toId(row.comment_id),
    articleId: toId(row.article_id),
    articleAuthorId: toId(row.user_id),
    parentId: row.parent_id === null ? null : toId(row.parent_id),
    status: toInt(row.status),
    isTop: toInt(row.is_top),
  }
}

/** Sets a comment's status when it is `from`; true when the row changed (exactly once). */
export async function changeCommentStatus(
  db: Db,
  id: bigint,
  from: number,
  to: number,
): Promise<boolean> {
  const result = await db
    .updateTable('news_comment')
    .set({ status: to, update_time: sqlDateTime() })
    .where('comment_id', '=', id.toString())
    .where('status', '=', from)
    .executeTakeFirst()
  return Number(result.numUpdatedRows) > 0
}

/** Pins (1) or unpins (0) a comment. */
export async function setCommentTop(db: Db, id: bigint, isTop: number): Promise<void> {
  await db
    .updateTable('news_comment')
    .set({ is_top: isTop })
    .where('comment_id', '=', id.toString())
    .execute()
}
