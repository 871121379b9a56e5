import type { Kysely } from 'kysely'
import type { Database } from '../../../infra/db/schema.js'
import { isoDateTime, toId, toInt } from '../../../infra/db/values.js'
import { contains } from '../mis.schemas.js'
import { listPage, withRange } from '../listing.js'

/** Filters of the review list. */
export interface ArticleFilter {
  title?: string | undefined
  channel?: string | undefined
  statuses?: number[] | undefined
  begin?: string | undefined
  end?: string | undefined
  orderById: boolean
}

const base = (db: Kysely<Database>) =>
  db
    .selectFrom('news_article_basic as a')
    .leftJoin('user_basic as u', 'u.user_id', 'a.user_id')
    .leftJoin('news_channel as c', 'c.channel_id', 'a.channel_id')

type Query = ReturnType<typeof base>

function filtered(query: Query, filter: ArticleFilter): Query {
  if (filter.title) query = query.where('a.title', 'like', contains(filter.title))
  if (filter.channel) query = query.where('c.channel_name', 'like', contains(filter.channel))
  if (filter.statuses?.length) query = query.where('a.status', 'in', filter.statuses)
  return withRange(query, 'a.create_time', filter.begin, filter.end)
}

const COLUMNS = [
  'a.article_id',
  'a.title',
  'u.user_name',
  'c.channel_name',
  'a.create_time',
  'a.status',
] as const

function toItem(row: {
  article_id: bigint | string
  title: string
  user_name: string | null
  channel_name: string | null
  create_time: string
  status: number | bigint
}) {
  return {
    article_id: toId(row.article_id),
    title: row.title,
    name: row.user_name ?? '',
    channel_name: row.channel_name ?? '',
    update_time: isoDateTime(row.create_time) ?? '',
    status: toInt(row.status),
  }
}

/** One page of articles for review, newest first (or by id). */
export async function listReviewArticles(
  db: Kysely<Database>,
  filter: ArticleFilter,
  page: { offset: number; limit: number },
) {
  const query = filtered(base(db), filter)
  const order = filter.orderById ? 'a.article_id' : 'a.create_time'
  return listPage(
    'items',
    query,
    (q) => q.select(COLUMNS).orderBy(order, 'desc').orderBy('a.article_id', 'desc'),
    page,
    toItem,
  )
}

/** One article with its content, any status, or undefined. */
export async function getReviewArticle(db: Kysely<Database>, id: bigint) {
  const row = await base(db)
    .leftJoin('news_article_content as t', 't.article_id', 'a.article_id')
    .select([...COLUMNS, 't.content', 'a.reject_reason', 'a.user_id', 'a.channel_id'])
    .where('a.article_id', '=', id.toString())
    .executeTakeFirst()
  return (
    row && {
      ...toItem(row),
      content: row.content ?? '',
      reject_reason: row.reject_reason,
    }
  )
}
