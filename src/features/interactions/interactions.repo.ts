import type { Kysely, Transaction } from 'kysely'
import { isMysql } from '../../infra/db/dialect.js'
import { isUniqueViolation } from '../../infra/db/errors.js'
import type { Database } from '../../infra/db/schema.js'
import { sqlDateTime, toId, toInt } from '../../infra/db/values.js'

type Db = Kysely<Database>
type Trx = Transaction<Database>

const RETRIES = 3

/** A row's state before and after a write. */
export interface Change<T> {
  before: T
  after: T
}

/**
 * Runs `work` in a transaction, again when it lost a race: a deadlock (MySQL), a stale SQLite
 * snapshot, or a unique-key clash with a concurrent insert of the same (user, target) pair.
 */
async function inTransaction<T>(db: Db, work: (trx: Trx) => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await db.transaction().execute(work)
    } catch (error) {
      if (attempt >= RETRIES || !isLostRace(error)) throw error
    }
  }
}

function isLostRace(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code
  return (
    isUniqueViolation(error) ||
    code === 'ER_LOCK_DEADLOCK' ||
    code === 'SQLITE_BUSY' ||
    code === 'SQLITE_BUSY_SNAPSHOT'
  )
}

// MySQL row lock for read-then-write; SQLite transactions already run one at a time.
const locked = <Q extends { forUpdate(): Q }>(trx: Trx, query: Q): Q =>
  isMysql(trx as unknown as Kysely<unknown>) ? query.forUpdate() : query

const nullableInt = (value: number | bigint | null): number | null =>
  value === null ? null : toInt(value)

/**
 * Sets the user's attitude to an article (one row per pair: a like replaces a dislike);
 * `null` cancels. With `onlyIf`, changes nothing unless the current attitude is that one.
 */
export function setAttitude(
  db: Db,
  userId: bigint,
  articleId: bigint,
  attitude: number | null,
  onlyIf?: number,
): Promise<Change<number | null>> {
  const user_id = userId.toString()
  const article_id = articleId.toString()
  return inTransaction(db, async (trx) => {
    const row = await locked(
      trx,
      trx
        .selectFrom('news_attitude')
        .select('attitude')
        .where('user_id', '=', user_id)
        .where('article_id', '=', article_id),
    ).executeTakeFirst()
    const before = row ? nullableInt(row.attitude) : null
    if (before === attitude || (onlyIf !== undefined && before !== onlyIf)) {
      return { before, after: before }
    }
    if (row) {
      await trx
        .updateTable('news_attitude')
        .set({ attitude, update_time: sqlDateTime() })
        .where('user_id', '=', user_id)
        .where('article_id', '=', article_id)
        .execute()
    } else {
      await trx.insertInto('news_attitude').values({ user_id, article_id, attitude }).execute()
    }
    return { before, after: attitude }
  })
}

/** The two soft-delete tables: one row per (user, target), `is_deleted` 0 while it holds. */
const FLAG_TABLES = {
  collection: { table: 'news_collection', target: 'article_id' },
  commentLiking: { table: 'news_comment_liking', target: 'comment_id' },
} as const

/**
 * Collects an article (`collection`) or likes a comment (`commentLiking`), or undoes it;
 * true when the state changed.
 */
export function setFlag(
  db: Db,
  kind: keyof typeof FLAG_TABLES,
  userId: bigint,
  targetId: bigint,
  on: boolean,
): Promise<boolean> {
  // Both tables have the same shape; typed as the first so one query serves both.
  const table = FLAG_TABLES[kind].table as 'news_collection'
  const target = FLAG_TABLES[kind].target as 'article_id'
  const user_id = userId.toString()
  const target_id = targetId.toString()
  const is_deleted = on ? 0 : 1
  return inTransaction(db, async (trx) => {
    const row = await locked(
      trx,
      trx
        .selectFrom(table)
        .select('is_deleted')
        .where('user_id', '=', user_id)
        .where(target, '=', target_id),
    ).executeTakeFirst()
    if (row ? toInt(row.is_deleted) === is_deleted : !on) return false
    if (row) {
      await trx
        .updateTable(table)
        .set({ is_deleted, update_time: sqlDateTime() })
        .where('user_id', '=', user_id)
        .where(target, '=', target_id)
        .execute()
    } else {
      await trx
        .insertInto(table)
        .values({ user_id, [target]: target_id, is_deleted } as {
          user_id: string
          article_id: string
        })
        .execute()
    }
    return true
  })
}

/** Stores a report; a second one of the same article by the same user is a unique violation. */
export async function insertReport(
  db: Db,
  report: { userId: bigint; articleId: bigint; type: number; remark: string | null },
): Promise<void> {
  await db
    .insertInto('news_report')
    .values({
      user_id: report.userId.toString(),
      article_id: report.articleId.toString(),
      type: report.type,
      remark: report.remark,
    })
    .execute()
}

/** The author of an article in any status (a like may be cancelled after the article is gone). */
export async function findArticleAuthor(db: Db, articleId: bigint): Promise<bigint | null> {
  const row = await db
    .selectFrom('news_article_basic')
    .select('user_id')
    .where('article_id', '=', articleId.toString())
    .executeTakeFirst()
  return row ? toId(row.user_id) : null
}

/** The ids of the comments the user likes (`user:{id}:comm:liking`). */
export async function listLikedCommentIds(db: Db, userId: bigint): Promise<string[]> {
  const rows = await db
    .selectFrom('news_comment_liking')
    .select('comment_id')
    .where('user_id', '=', userId.toString())
    .where('is_deleted', '=', 0)
    .execute()
  return rows.map((row) => toId(row.comment_id).toString())
}
