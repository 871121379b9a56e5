import { sql, type Kysely } from 'kysely'
import type { Database } from '../../infra/db/schema.js'
import { countAndPage } from '../../infra/db/paging.js'
import { toId, toInt } from '../../infra/db/values.js'
import { ARTICLE_STATUS } from '../article-lifecycle/index.js'

type Db = Kysely<Database>

/** What the author's list asks for. */
export interface AuthorArticleFilter {
  authorId: bigint
  /** Statuses to show; empty: every status but deleted and banned. */
  statuses: readonly number[]
  channelIds: readonly number[]
  /** `YYYY-MM-DD HH:MM:SS` bounds on the creation time. */
  from: string | null
  to: string | null
}

/** An article row of the author's lists. */
export interface AuthorArticleRow {
  id: bigint
  title: string
  status: number
  cover: string
  createTime: string
  allowComment: boolean
  fansCommentCount: number
  repostCount: number
}

function filtered(db: Db, filter: AuthorArticleFilter) {
  let query = db
    .selectFrom('news_article_basic as a')
    .where('a.user_id', '=', filter.authorId.toString())
  query =
    filter.statuses.length > 0
      ? query.where('a.status', 'in', [...filter.statuses])
      : query.where('a.status', 'not in', [ARTICLE_STATUS.deleted, ARTICLE_STATUS.banned])
  if (filter.channelIds.length > 0)
    query = query.where('a.channel_id', 'in', [...filter.channelIds])
  if (filter.from) query = query.where('a.create_time', '>=', filter.from)
  if (filter.to) query = query.where('a.create_time', '<=', filter.to)
  return query
}

const LIST_COLUMNS = [
  'a.article_id',
  'a.title',
  'a.status',
  'a.cover',
  'a.create_time',
  'a.allow_comment',
] as const

function toRow(row: {
  article_id: bigint | string
  title: string
  status: number | bigint
  cover: string
  create_time: string
  allow_comment: number | bigint
  fans_comment_count?: number | bigint | null
  repost_count?: number | bigint | null
}): AuthorArticleRow {
  return {
    id: toId(row.article_id),
    title: row.title,
    status: toInt(row.status),
    cover: row.cover,
    createTime: row.create_time,
    allowComment: toInt(row.allow_comment) === 1,
    fansCommentCount: toInt(row.fans_comment_count),
    repostCount: toInt(row.repost_count),
  }
}

/** A page of the author's articles, newest first, and how many match. */
export async function listAuthorArticles(
  db: Db,
  filter: AuthorArticleFilter,
  offset: number,
  limit: number,
): Promise<{ total: number; rows: AuthorArticleRow[] }> {
  const { rows, total } = await countAndPage(
    filtered(db, filter),
    (query) =>
      query
        .leftJoin('news_article_statistic as s', 's.article_id', 'a.article_id')
        .select(LIST_COLUMNS)
        .select(['s.fans_comment_count', 's.repost_count'])
        .orderBy('a.article_id', 'desc'),
    { offset, limit },
  )
  return { total, rows: rows.map(toRow) }
}

/** The author's own article with its body (not deleted), or null. */
export async function findAuthorArticle(db: Db, authorId: bigint, id: bigint) {
  const row = await db
    .selectFrom('news_article_basic as a')
    .leftJoin('news_article_content as c', 'c.article_id', 'a.article_id')
    .select(['a.article_id', 'a.title', 'a.cover', 'a.channel_id', 'c.content'])
    .where('a.article_id', '=', id.toString())
    .where('a.user_id', '=', authorId.toString())
    .where('a.status', '!=', ARTICLE_STATUS.deleted)
    .executeTakeFirst()
  if (!row) return null
  return {
    id: toId(row.article_id),
    title: row.title,
    cover: row.cover,
    channelId: toInt(row.channel_id),
    content: row.content ?? '',
  }
}

// LIKE patterns match the terms literally ('!' escapes on both dialects; SQLite has no default).
const literal = (term: string) => `%${term.replace(/[!%_]/g, (c) => `!${c}`)}%`
const like = (column: 'a.title' | 'c.content', pattern: string) =>
  sql<boolean>`${sql.ref(column)} like ${pattern} escape '!'`

/**
 * The author's articles in any status but deleted whose title or body contains every term,
 * newest first. An author's own articles are few, so SQL answers this directly.
 */
export async function searchAuthorArticles(
  db: Db,
  authorId: bigint,
  terms: readonly string[],
  offset: number,
  limit: number,
): Promise<{ total: number; rows: AuthorArticleRow[] }> {
  let query = db
    .selectFrom('news_article_basic as a')
    .innerJoin('news_article_content as c', 'c.article_id', 'a.article_id')
    .where('a.user_id', '=', authorId.toString())
    .where('a.status', '!=', ARTICLE_STATUS.deleted)
  for (const term of terms) {
    const pattern = literal(term)
    query = query.where((eb) => eb.or([like('a.title', pattern), like('c.content', pattern)]))
  }
  const { rows, total } = await countAndPage(
    query,
    (query) => query.select(LIST_COLUMNS).orderBy('a.article_id', 'desc'),
    { offset, limit },
  )
  return { total, rows: rows.map(toRow) }
}
