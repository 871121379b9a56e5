import { sql, type Kysely, type Transaction } from 'kysely'
import { isMysql } from '../../infra/db/dialect.js'
import type { Database } from '../../infra/db/schema.js'
import { sqlDateTime, toId, toInt } from '../../infra/db/values.js'

type Db = Kysely<Database>
type Trx = Transaction<Database>

/** An article row as the lifecycle needs it to decide a transition. */
export interface ArticleState {
  id: bigint
  authorId: bigint
  channelId: number
  title: string
  status: number
}

/** The columns an author writes. */
export interface ArticleFields {
  title: string
  channelId: number
  /** Cover JSON: `{type, images}` with storage keys. */
  cover: string
  status: number
}

/** True when the channel exists and is visible (authors publish only there). */
export async function isVisibleChannel(db: Db, channelId: number): Promise<boolean> {
  const row = await db
    .selectFrom('news_channel')
    .select('channel_id')
    .where('channel_id', '=', channelId)
    .where('is_visible', '=', 1)
    .executeTakeFirst()
  return row !== undefined
}

/** Inserts the basic, content and (empty) statistic rows of a new article. */
export async function insertArticle(
  trx: Trx,
  id: bigint,
  authorId: bigint,
  fields: ArticleFields,
  content: string,
): Promise<void> {
  const now = sqlDateTime()
  await trx
    .insertInto('news_article_basic')
    .values({
      article_id: id.toString(),
      user_id: authorId.toString(),
      channel_id: fields.channelId,
      title: fields.title,
      cover: fields.cover,
      status: fields.status,
      create_time: now,
      update_time: now,
    })
    .execute()
  await trx
    .insertInto('news_article_content')
    .values({ article_id: id.toString(), content })
    .execute()
  await trx.insertInto('news_article_statistic').values({ article_id: id.toString() }).execute()
}

/** Rewrites an article's fields and body (review columns are cleared: it is a new submission). */
export async function updateArticle(
  trx: Trx,
  id: bigint,
  fields: ArticleFields,
  content: string,
): Promise<void> {
  await trx
    .updateTable('news_article_basic')
    .set({
      title: fields.title,
      channel_id: fields.channelId,
      cover: fields.cover,
      status: fields.status,
      reject_reason: null,
      update_time: sqlDateTime(),
    })
    .where('article_id', '=', id.toString())
    .execute()
  await trx
    .updateTable('news_article_content')
    .set({ content })
    .where('article_id', '=', id.toString())
    .execute()
}

/** The current state of these articles, locked until the transaction ends (MySQL). */
export async function lockArticles(trx: Trx, ids: readonly bigint[]): Promise<ArticleState[]> {
  if (ids.length === 0) return []
  let query = trx
    .selectFrom('news_article_basic')
    .select(['article_id', 'user_id', 'channel_id', 'title', 'status'])
    .where('article_id', 'in', ids.map(String))
  // SQLite has no row locks: its transactions hold the only connection (serialised writes).
  if (isMysql(trx as unknown as Kysely<unknown>)) query = query.forUpdate()
  const rows = await query.execute()
  return rows.map((row) => ({
    id: toId(row.article_id),
    authorId: toId(row.user_id),
    channelId: toInt(row.channel_id),
    title: row.title,
    status: toInt(row.status),
  }))
}

/** Review columns written with a status change. */
export interface StatusExtras {
  reviewerId?: bigint | null
  rejectReason?: string
  /** Stamp `review_time` (approve, reject). */
  reviewed?: boolean
  /** Stamp `delete_time`. */
  deleted?: boolean
}

/** Sets the status of these articles (the caller checked each one's current state). */
export async function setStatus(
  trx: Trx,
  ids: readonly bigint[],
  status: number,
  extras: StatusExtras = {},
): Promise<void> {
  const now = sqlDateTime()
  await trx
    .updateTable('news_article_basic')
    .set({
      status,
      update_time: now,
      ...(extras.reviewed ? { review_time: now } : {}),
      ...(extras.reviewerId !== undefined
        ? { reviewer_id: extras.reviewerId === null ? null : extras.reviewerId.toString() }
        : {}),
      ...(extras.rejectReason !== undefined ? { reject_reason: extras.rejectReason } : {}),
      ...(extras.deleted ? { delete_time: now } : {}),
    })
    .where('article_id', 'in', ids.map(String))
    .execute()
}

/** Every sensitive word (a short list kept by admins). */
export async function listSensitiveWords(db: Db | Trx): Promise<string[]> {
  const rows = await db.selectFrom('recommend_sensitive_word').select('word').execute()
  return rows.map((row) => row.word).filter((word) => word.trim() !== '')
}

/** Replaces the recorded hits of an article, and counts one hold per word found. */
export async function recordSensitiveHits(
  trx: Trx,
  articleId: bigint,
  hits: ReadonlyMap<string, number>,
): Promise<void> {
  await trx
    .deleteFrom('headline_article_sensitive_hit')
    .where('article_id', '=', articleId.toString())
    .execute()
  if (hits.size === 0) return
  await trx
    .insertInto('headline_article_sensitive_hit')
    .values(
      [...hits].map(([word, count]) => ({ article_id: articleId.toString(), word, hits: count })),
    )
    .execute()
  await trx
    .updateTable('recommend_sensitive_word')
    .set({ hold_count: sql`hold_count + 1`, update_time: sqlDateTime() })
    .where('word', 'in', [...hits.keys()])
    .execute()
}

/** The recorded hits of these articles, most frequent word first. */
export async function findSensitiveHits(
  db: Db,
  ids: readonly bigint[],
): Promise<{ articleId: bigint; word: string; hits: number }[]> {
  if (ids.length === 0) return []
  const rows = await db
    .selectFrom('headline_article_sensitive_hit')
    .select(['article_id', 'word', 'hits'])
    .where('article_id', 'in', ids.map(String))
    .orderBy('article_id')
    .orderBy('hits', 'desc')
    .orderBy('word')
    .execute()
  return rows.map((row) => ({
    articleId: toId(row.article_id),
    word: row.word,
    hits: toInt(row.hits),
  }))
}

/** Switches comments on (1) or off (0) for an article. */
export async function setAllowComment(trx: Trx, id: bigint, allow: boolean): Promise<void> {
  await trx
    .updateTable('news_article_basic')
    .set({ allow_comment: allow ? 1 : 0, update_time: sqlDateTime() })
    .where('article_id', '=', id.toString())
    .execute()
}
