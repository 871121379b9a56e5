import type { Kysely } from 'kysely'
import type { Database, StatDailyTable } from '../infra/db/schema.js'
import { upsert } from '../infra/db/upsert.js'
import { msOfDateTime, sqlDateTime, toId } from '../infra/db/values.js'

type Db = Kysely<Database>
const APPROVED_ARTICLE = 2

/** The measures of a period, as the rollup tables store them. */
export type Measures = Record<Exclude<keyof StatDailyTable, 'day' | 'update_time'>, number>

/** Times (ms) of the rows each measure counts, from `from` to `to` (exclusive). */
export async function eventTimes(db: Db, from: Date, to: Date) {
  const [lo, hi] = [sqlDateTime(from), sqlDateTime(to)]
  const times = (rows: { t: string | null }[]) => rows.map((row) => msOfDateTime(String(row.t)))
  const created = (table: 'user_basic' | 'news_article_basic' | 'news_comment') =>
    db
      .selectFrom(table)
      .select('create_time as t')
      .where('create_time', '>=', lo)
      .where('create_time', '<', hi)
      .execute()
  const [users, articles, approved, comments, logins] = await Promise.all([
    created('user_basic'),
    created('news_article_basic'),
    db
      .selectFrom('news_article_basic')
      .select('review_time as t')
      .where('review_time', '>=', lo)
      .where('review_time', '<', hi)
      .where('status', '=', APPROVED_ARTICLE)
      .execute(),
    created('news_comment'),
    db
      .selectFrom('user_basic')
      .select(['user_id', 'last_login as t'])
      .where('last_login', '>=', lo)
      .where('last_login', '<', hi)
      .execute(),
  ])
  const loginTimes = times(logins)
  return {
    newUsers: times(users),
    newArticles: times(articles),
    approvedArticles: times(approved),
    newComments: times(comments),
    logins: logins.map((row, i) => ({ user: toId(row.user_id).toString(), ms: loginTimes[i]! })),
  }
}

/** Writes a day's rows: the daily one, its hourly ones, and its keywords (replaced). */
export async function saveDay(
  db: Db,
  day: string,
  daily: Measures,
  hourly: ReadonlyMap<number, Measures>,
  keywords: ReadonlyMap<string, number>,
): Promise<void> {
  const update_time = sqlDateTime()
  await db.transaction().execute(async (trx) => {
    await upsert(trx, 'stat_daily', { day, ...daily, update_time }, ['day'], {
      ...daily,
      update_time,
    }).execute()
    for (const [hour, measures] of hourly) {
      const row = { day, hour, ...measures, update_time }
      await upsert(trx, 'stat_hourly', row, ['day', 'hour'], {
        ...measures,
        update_time,
      }).execute()
    }
    await trx.deleteFrom('stat_search_keyword').where('day', '=', day).execute()
    const rows = [...keywords].map(([keyword, searches]) => ({ day, keyword, searches }))
    for (let i = 0; i < rows.length; i += 500) {
      await trx
        .insertInto('stat_search_keyword')
        .values(rows.slice(i, i + 500))
        .execute()
    }
  })
}
