import { sql, type Kysely } from 'kysely'
import type { Database } from '../../../infra/db/schema.js'
import { toInt } from '../../../infra/db/values.js'

/** A measure column of the rollup tables. */
export type Measure =
  | 'new_users'
  | 'active_users'
  | 'new_articles'
  | 'approved_articles'
  | 'new_comments'
  | 'article_reads'
  | 'searches'

/** The measure summed per day over `[from, to]` (local days, `YYYY-MM-DD`). */
export async function dailySums(db: Kysely<Database>, measure: Measure, from: string, to: string) {
  const rows = await db
    .selectFrom('stat_daily')
    .select(['day', sql<number>`${sql.ref(measure)}`.as('n')])
    .where('day', '>=', from)
    .where('day', '<=', to)
    .execute()
  return new Map(rows.map((row) => [row.day, toInt(row.n)]))
}

/** The measure per hour over `[from, to]` days, keyed `YYYY-MM-DD HH`. */
export async function hourlySums(db: Kysely<Database>, measure: Measure, from: string, to: string) {
  const rows = await db
    .selectFrom('stat_hourly')
    .select(['day', 'hour', sql<number>`${sql.ref(measure)}`.as('n')])
    .where('day', '>=', from)
    .where('day', '<=', to)
    .execute()
  return new Map(
    rows.map((row) => [`${row.day} ${String(toInt(row.hour)).padStart(2, '0')}`, toInt(row.n)]),
  )
}

/** The sum of the measure over `[from, to]`, or over every day when unbounded. */
export async function sumOf(
  db: Kysely<Database>,
  measure: Measure,
  from?: string,
  to?: string,
): Promise<number> {
  let query = db.selectFrom('stat_daily').select(sql<number>`SUM(${sql.ref(measure)})`.as('n'))
  if (from) query = query.where('day', '>=', from)
  if (to) query = query.where('day', '<=', to)
  return toInt((await query.executeTakeFirst())?.n)
}

/** The first day any rollup exists for, or undefined. */
export async function firstDay(db: Kysely<Database>): Promise<string | undefined> {
  const row = await db
    .selectFrom('stat_daily')
    .select((eb) => eb.fn.min('day').as('day'))
    .executeTakeFirst()
  return row?.day ?? undefined
}

/** Searches per keyword over `[from, to]`, most searched first, one page. */
export async function keywordCounts(
  db: Kysely<Database>,
  from: string,
  to: string,
  page?: { offset: number; limit: number },
) {
  let query = db
    .selectFrom('stat_search_keyword')
    .select(['keyword', (eb) => eb.fn.sum<number>('searches').as('n')])
    .where('day', '>=', from)
    .where('day', '<=', to)
    .groupBy('keyword')
    .orderBy('n', 'desc')
    .orderBy('keyword')
  if (page) query = query.limit(page.limit).offset(page.offset)
  const rows = await query.execute()
  return rows.map((row) => ({ keyword: row.keyword, count: toInt(row.n) }))
}

/** How many keywords were searched over `[from, to]`. */
export async function keywordTotal(db: Kysely<Database>, from: string, to: string) {
  const row = await db
    .selectFrom('stat_search_keyword')
    .select(sql<number>`COUNT(DISTINCT keyword)`.as('n'))
    .where('day', '>=', from)
    .where('day', '<=', to)
    .executeTakeFirst()
  return toInt(row?.n)
}

/** Registered users. */
export async function userTotal(db: Kysely<Database>): Promise<number> {
  const row = await db
    .selectFrom('user_basic')
    .select((eb) => eb.fn.countAll().as('n'))
    .executeTakeFirst()
  return toInt(row?.n as number)
}
