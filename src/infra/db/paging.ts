import { sql, type SelectQueryBuilder } from 'kysely'
import { toInt } from './values.js'

/**
 * How many rows the filtered `query` has, and one page of them as `select` joins, shapes and
 * orders them (the two queries every paged list runs).
 */
export async function countAndPage<DB, TB extends keyof DB, SDB, STB extends keyof SDB, O>(
  query: SelectQueryBuilder<DB, TB, object>,
  select: (query: SelectQueryBuilder<DB, TB, object>) => SelectQueryBuilder<SDB, STB, O>,
  page: { offset: number; limit: number },
): Promise<{ rows: O[]; total: number }> {
  const count = await query.select(sql<number>`COUNT(*)`.as('n')).executeTakeFirst()
  const rows = await select(query).limit(page.limit).offset(page.offset).execute()
  return { rows: rows as O[], total: toInt((count as { n?: number } | undefined)?.n) }
}
