import type { Kysely } from 'kysely'
import type { Database } from '../../infra/db/schema.js'
import { isoDateTime, jsonColumn, msOfDateTime, toId, toInt } from '../../infra/db/values.js'

import { ARTICLE_STATUS } from '../article-lifecycle/index.js'

/** `news_article_basic.status` values (owned by the article lifecycle). */
export { ARTICLE_STATUS }

export interface Cover {
  type: number
  images: string[]
}

/** What the original's `ArticleInfoCache` holds for an approved article. */
export interface ArticleInfo {
  art_id: bigint
  title: string
  aut_id: bigint
  /** ISO-8601 creation time. */
  pubdate: string
  ch_id: number
  allow_comm: boolean
  cover: Cover
}

/** A feed or list position: the article and its creation time in ms. */
export interface ArticleStamp {
  id: bigint
  createdMs: number
}

type Db = Kysely<Database>

function parseCover(column: unknown): Cover {
  try {
    const value = (jsonColumn(column) ?? {}) as Partial<Cover>
    const images = Array.isArray(value.images)
      ? value.images.filter((i) => typeof i === 'string')
      : []
    return { type: typeof value.type === 'number' ? value.type : 0, images }
  } catch {
    return { type: 0, images: [] }
  }
}

/** An approved article's info, or null (drafts, pending, banned and deleted ones do not exist). */
export async function findArticleInfo(db: Db, id: bigint): Promise<ArticleInfo | null> {
  const row = await db
    .selectFrom('news_article_basic')
    .select(['article_id', 'title', 'user_id', 'create_time', 'channel_id', 'allow_comment'])
    .select('cover')
    .where('article_id', '=', id.toString())
    .where('status', '=', ARTICLE_STATUS.approved)
    .executeTakeFirst()
  if (!row) return null
  return {
    art_id: toId(row.article_id),
    title: row.title,
    aut_id: toId(row.user_id),
    pubdate: isoDateTime(row.create_time) ?? '',
    ch_id: toInt(row.channel_id),
    allow_comm: toInt(row.allow_comment) === 1,
    cover: parseCover(row.cover),
  }
}

/** The HTML body of an approved article, or null. */
export async function findArticleContent(db: Db, id: bigint): Promise<string | null> {
  const row = await db
    .selectFrom('news_article_content as c')
    .innerJoin('news_article_basic as a', 'a.article_id', 'c.article_id')
    .select('c.content')
    .where('c.article_id', '=', id.toString())
    .where('a.status', '=', ARTICLE_STATUS.approved)
    .executeTakeFirst()
  return row ? row.content : null
}

/** An author's approved articles, newest first. */
export async function listAuthorArticles(db: Db, userId: bigint): Promise<ArticleStamp[]> {
  const rows = await db
    .selectFrom('news_article_basic')
    .select(['article_id', 'create_time'])
    .where('user_id', '=', userId.toString())
    .where('status', '=', ARTICLE_STATUS.approved)
    .orderBy('create_time', 'desc')
    .orderBy('article_id', 'desc')
    .execute()
  return rows.map((row) => ({ id: toId(row.article_id), createdMs: msOfDateTime(row.create_time) }))
}

/**
 * Approved articles of a channel (0: every channel) created before `beforeMs`, newest first,
 * leaving out `exclude` and the articles of `blockedAuthors`.
 */
export async function listChannelArticles(
  db: Db,
  options: {
    channelId: number
    beforeMs: number
    limit: number
    offset?: number
    exclude?: readonly bigint[]
    blockedAuthors?: readonly bigint[]
  },
): Promise<ArticleStamp[]> {
  const before = new Date(options.beforeMs).toISOString().slice(0, 19).replace('T', ' ')
  let query = db
    .selectFrom('news_article_basic')
    .select(['article_id', 'create_time'])
    .where('status', '=', ARTICLE_STATUS.approved)
    .where('create_time', '<', before)
  if (options.channelId !== 0) query = query.where('channel_id', '=', options.channelId)
  if (options.exclude?.length) {
    query = query.where('article_id', 'not in', options.exclude.map(String))
  }
  if (options.blockedAuthors?.length) {
    query = query.where('user_id', 'not in', options.blockedAuthors.map(String))
  }
  const rows = await query
    .orderBy('create_time', 'desc')
    .orderBy('article_id', 'desc')
    .offset(options.offset ?? 0)
    .limit(options.limit)
    .execute()
  return rows.map((row) => ({ id: toId(row.article_id), createdMs: msOfDateTime(row.create_time) }))
}
