import type { Kysely } from 'kysely'
import type { Database } from '../../../infra/db/schema.js'
import { sqlDateTime, toId, toInt } from '../../../infra/db/values.js'
import { listPage, withEqual, withKeyword } from '../listing.js'

/** `news_article_basic.status` of a deleted article. */
const DELETED = 4

const from = (db: Kysely<Database>) => db.selectFrom('news_channel as c')

const base = (db: Kysely<Database>) => withColumns(from(db))

function withColumns(query: ReturnType<typeof from>) {
  return query.select((eb) => [
    'c.channel_id',
    'c.channel_name',
    'c.is_visible',
    'c.sequence',
    eb
      .selectFrom('news_article_basic as a')
      .select(eb.fn.countAll().as('n'))
      .whereRef('a.channel_id', '=', 'c.channel_id')
      .where('a.status', '!=', DELETED)
      .as('article_count'),
  ])
}

function toItem(row: {
  channel_id: number | bigint
  channel_name: string
  is_visible: number | bigint
  sequence: number | bigint
  article_count: unknown
}) {
  return {
    // The original marshalled it as a string.
    channel_id: String(row.channel_id),
    name: row.channel_name,
    is_visible: toInt(row.is_visible),
    sequence: toInt(row.sequence),
    article_count: toInt(row.article_count as number),
  }
}

/** A channel as the admin API shows it. */
export type AdminChannel = ReturnType<typeof toItem>

/** Filters of `GET /channels`. */
export interface ChannelFilter {
  channelId?: number | undefined
  keyword?: string | undefined
  isVisible?: number | undefined
  orderById: boolean
}

/** One page of channels with their article counts. */
export async function listAdminChannels(
  db: Kysely<Database>,
  filter: ChannelFilter,
  page: { offset: number; limit: number },
) {
  let query = withEqual(from(db), 'c.channel_id', filter.channelId)
  query = withKeyword(query, filter.keyword, ['c.channel_name'])
  query = withEqual(query, 'c.is_visible', filter.isVisible)
  return listPage(
    'channels',
    query,
    (q) =>
      withColumns(q)
        .orderBy(filter.orderById ? 'c.channel_id' : 'c.sequence')
        .orderBy('c.channel_id'),
    page,
    toItem,
  )
}

/** One channel, or undefined. */
export async function getAdminChannel(db: Kysely<Database>, id: number) {
  const row = await base(db).where('c.channel_id', '=', id).executeTakeFirst()
  return row && toItem(row)
}

/** The id of the channel with this name, or undefined. */
export async function channelIdByName(db: Kysely<Database>, name: string) {
  const row = await db
    .selectFrom('news_channel')
    .select('channel_id')
    .where('channel_name', '=', name)
    .executeTakeFirst()
  return row && toInt(row.channel_id)
}

/** Inserts a channel with the next free id and returns it. */
export async function insertChannel(
  db: Kysely<Database>,
  values: { name: string; isVisible: number; sequence: number | undefined },
): Promise<number> {
  const max = await db
    .selectFrom('news_channel')
    .select((eb) => eb.fn.max('channel_id').as('id'))
    .executeTakeFirst()
  const id = toInt(max?.id as number) + 1
  await db
    .insertInto('news_channel')
    .values({
      channel_id: id,
      channel_name: values.name,
      is_visible: values.isVisible,
      sequence: values.sequence ?? id,
    })
    .execute()
  return id
}

/** Changes a channel. */
export async function updateChannel(
  db: Kysely<Database>,
  id: number,
  values: { name: string; isVisible: number; sequence: number | undefined },
) {
  await db
    .updateTable('news_channel')
    .set({
      channel_name: values.name,
      is_visible: values.isVisible,
      ...(values.sequence === undefined ? {} : { sequence: values.sequence }),
      update_time: sqlDateTime(),
    })
    .where('channel_id', '=', id)
    .execute()
}

/** How many articles (not deleted) are in the channel. */
export async function countChannelArticles(db: Kysely<Database>, id: number): Promise<number> {
  const row = await db
    .selectFrom('news_article_basic')
    .select((eb) => eb.fn.countAll().as('n'))
    .where('channel_id', '=', id)
    .where('status', '!=', DELETED)
    .executeTakeFirst()
  return toInt(row?.n as number)
}

/** The users who have the channel in their list (their cached lists go stale with it). */
export async function usersOfChannel(db: Kysely<Database>, id: number): Promise<bigint[]> {
  const rows = await db
    .selectFrom('news_user_channel')
    .select('user_id')
    .where('channel_id', '=', id)
    .execute()
  return rows.map((row) => toId(row.user_id))
}

/** Deletes a channel and the users' picks of it. */
export async function deleteChannel(db: Kysely<Database>, id: number) {
  await db.deleteFrom('news_user_channel').where('channel_id', '=', id).execute()
  await db.deleteFrom('news_channel').where('channel_id', '=', id).execute()
}
