import type { OperandValueExpression, ReferenceExpression, SelectQueryBuilder } from 'kysely'
import { countAndPage } from '../../infra/db/paging.js'
import { contains } from './mis.schemas.js'

/** `query` narrowed to the rows where one of `columns` contains `keyword` (none: every row). */
export function withKeyword<DB, TB extends keyof DB>(
  query: SelectQueryBuilder<DB, TB, object>,
  keyword: string | undefined,
  columns: readonly ReferenceExpression<DB, TB>[],
): SelectQueryBuilder<DB, TB, object> {
  if (!keyword) return query
  const like = contains(keyword)
  return query.where((eb) => eb.or(columns.map((column) => eb(column, 'like', like))))
}

/**
 * An admin list's answer, `{<key>: items, total_count}`: one page of the filtered `query` as
 * `select` shapes and orders it, each row made an item by `toItem`.
 */
export async function listPage<
  K extends string,
  DB,
  TB extends keyof DB,
  SDB,
  STB extends keyof SDB,
  O,
  I,
>(
  key: K,
  query: SelectQueryBuilder<DB, TB, object>,
  select: (query: SelectQueryBuilder<DB, TB, object>) => SelectQueryBuilder<SDB, STB, O>,
  page: { offset: number; limit: number },
  toItem: (row: O) => I,
) {
  const { rows, total } = await countAndPage(query, select, page)
  return { [key]: rows.map(toItem), total_count: total } as { [P in K]: I[] } & {
    total_count: number
  }
}

/** `query` narrowed to the rows whose `column` equals `value` (undefined: every row). */
export function withEqual<DB, TB extends keyof DB, RE extends ReferenceExpression<DB, TB>>(
  query: SelectQueryBuilder<DB, TB, object>,
  column: RE,
  value: OperandValueExpression<DB, TB, RE> | undefined,
): SelectQueryBuilder<DB, TB, object> {
  return value === undefined ? query : query.where(column, '=', value)
}

/** `query` narrowed to the rows whose `column` lies between `begin` and `end` (each optional). */
export function withRange<DB, TB extends keyof DB, RE extends ReferenceExpression<DB, TB>>(
  query: SelectQueryBuilder<DB, TB, object>,
  column: RE,
  begin: OperandValueExpression<DB, TB, RE> | undefined,
  end: OperandValueExpression<DB, TB, RE> | undefined,
): SelectQueryBuilder<DB, TB, object> {
  if (begin) query = query.where(column, '>=', begin)
  if (end) query = query.where(column, '<=', end)
  return query
}
